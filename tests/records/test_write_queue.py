"""The trainees' write queue: journal rows left in the spool are committed together by
whoever's turn it is, and a writer is told only once its rows are on disk."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from drills.database import connect, open_database
from drills.journal import MIGRATIONS, JournalStore
from scoring import write_queue
from scoring.write_queue import WriterQueue


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.db"
    store = JournalStore(open_database(path, MIGRATIONS), lambda: "wall")
    store.start_run(scenario_id="d", language="zh", scenario_path="d.yaml", scenario_hash="h", seed=1, engine_version="1")
    return path


def row(seq: int, data: str = "{}") -> tuple:
    return (1, seq, float(seq), "wall", "action", data)


def stored(path) -> list[tuple]:
    return [tuple(r) for r in connect(path).execute("SELECT run_id, seq, drill_seconds, wall_time, kind, data FROM journal ORDER BY seq")]


def spool(path) -> list[str]:
    folder = path.parent / f"{path.name}-spool"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def writers_waiting_behind_a_turn(path, requests: list[list[tuple]]) -> list[BaseException | None]:
    """Each request from its own writer (own connection, own lock handle) while another holds
    the turn; the turn is let go once every request is in the spool."""
    outcomes: list[BaseException | None] = [None] * len(requests)

    def write(index: int) -> None:
        try:
            WriterQueue(path).commit_journal(connect(path), requests[index])
        except BaseException as error:  # handed to the test to look at
            outcomes[index] = error

    holder = WriterQueue(path)
    with holder.turn():
        threads = [threading.Thread(target=write, args=(index,)) for index in range(len(requests))]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len([name for name in spool(path) if not name.startswith(".")]) < len(requests) and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(10)
    return outcomes


def test_requests_waiting_in_the_spool_are_committed_in_one_transaction(database, monkeypatch):
    transactions = []
    real = write_queue.write_transaction

    def counted(db):
        transactions.append(db)
        return real(db)
    monkeypatch.setattr(write_queue, "write_transaction", counted)
    outcomes = writers_waiting_behind_a_turn(database, [[row(1), row(2)], [row(3)], [row(4)]])
    assert outcomes == [None, None, None]
    assert [r[1] for r in stored(database)] == [1, 2, 3, 4]
    assert len(transactions) == 1 and spool(database) == []


def test_a_request_that_conflicts_fails_its_own_writer_only(database):
    WriterQueue(database).commit_journal(connect(database), [row(1, '{"was":"first"}')])
    outcomes = writers_waiting_behind_a_turn(database, [[row(1, '{"was":"second"}')], [row(2)]])
    assert isinstance(outcomes[0], sqlite3.IntegrityError) and outcomes[1] is None
    assert stored(database) == [row(1, '{"was":"first"}'), row(2)]
    assert spool(database) == []


def test_a_request_committed_by_a_turn_that_died_before_removing_it_is_not_written_twice(database):
    queue = WriterQueue(database)
    queue.commit_journal(connect(database), [row(1)])
    left = queue._leave([row(1)], None)  # as if the turn that committed it was killed before removing the file
    WriterQueue(database).commit_journal(connect(database), [row(2)])
    assert not left.exists() and stored(database) == [row(1), row(2)]
