"""The journal in SQLite: written as it happens, survives a killed process, resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from drills import actions as act
from drills.catalog import DrillFile
from drills.database import DatabaseError, open_database
from drills.journal import MIGRATIONS, JournalStore, insert_entry_rows
from drills.loader import load_scenario
from drills.session import ReplayMismatch, resume_recorded, start_recorded
from tests.conftest import REPO
from tests.drills.drill_factory import drill_data, write_drill


def wall_clock() -> str:
    return "2026-11-27T00:00:00"


@pytest.fixture
def drill_file(tmp_path) -> DrillFile:
    path = write_drill(tmp_path, drill_data())
    scenario, _ = load_scenario(path)
    return DrillFile(path, scenario, "hash-1", False)


def test_every_entry_is_in_the_database_as_it_happens(tmp_path, drill_file, policy):
    store = JournalStore(open_database(tmp_path / "j.db", MIGRATIONS), wall_clock)
    run_id, drill = start_recorded(store, drill_file, policy, 4)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    # Read through a second connection: committed, not just buffered.
    other = JournalStore(open_database(tmp_path / "j.db", MIGRATIONS), wall_clock)
    assert [e.as_dict() for e in other.entries(run_id)] == [e.as_dict() for e in drill.journal]


def test_held_entries_are_written_in_the_callers_transaction_and_kept_until_it_commits(tmp_path, drill_file, policy):
    store = JournalStore(open_database(tmp_path / "j.db", MIGRATIONS), wall_clock)
    run_id, drill = start_recorded(store, drill_file, policy, 4)
    held = store.pending(run_id)
    drill.attach(held)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    assert len(held) == len(drill.journal) - 1 and [e.kind for e in store.entries(run_id)] == ["drill_started"]
    store.db.conn.execute("BEGIN IMMEDIATE")
    insert_entry_rows(store.db, held.rows)
    store.db.conn.execute("ROLLBACK")  # the transaction failed: nothing stored, nothing forgotten
    assert len(store.entries(run_id)) == 1 and len(held) == len(drill.journal) - 1
    store.db.conn.execute("BEGIN IMMEDIATE")
    insert_entry_rows(store.db, held.rows)
    store.db.conn.execute("COMMIT")
    held.clear()
    assert [e.as_dict() for e in store.entries(run_id)] == [e.as_dict() for e in drill.journal] and len(held) == 0


def test_resume_continues_the_journal(tmp_path, drill_file, policy):
    store = JournalStore(open_database(tmp_path / "j.db", MIGRATIONS), wall_clock)
    run_id, drill = start_recorded(store, drill_file, policy, 4)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    drill.pause()
    resumed = resume_recorded(store, run_id, drill_file, policy)
    resumed.act(act.Escalate(inject="call", person="leader"))
    stored = store.entries(run_id)
    assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
    assert stored[-1].kind == "action" and stored[-1].data["action"]["kind"] == "escalate"


def test_resume_refuses_a_changed_drill_file(tmp_path, drill_file, policy):
    store = JournalStore(open_database(tmp_path / "j.db", MIGRATIONS), wall_clock)
    run_id, _ = start_recorded(store, drill_file, policy, 4)
    changed = DrillFile(drill_file.path, drill_file.scenario, "hash-2", False)
    with pytest.raises(ReplayMismatch, match="changed"):
        resume_recorded(store, run_id, changed, policy)


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from drills import actions as act
    from drills.catalog import DrillFile
    from drills.database import open_database
    from drills.journal import MIGRATIONS, JournalStore
    from drills.loader import load_scenario
    from drills.locations import DEFAULT_POLICY
    from drills.policy import load_policy
    from drills.session import start_recorded

    database, drill_path = sys.argv[1], Path(sys.argv[2])
    scenario, _ = load_scenario(drill_path)
    store = JournalStore(open_database(Path(database), MIGRATIONS), lambda: "wall")
    run_id, drill = start_recorded(store, DrillFile(drill_path, scenario, "h", False), load_policy(DEFAULT_POLICY), 9)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    print("run", run_id, flush=True)
    n = 0
    while True:  # keep acting until killed; each line printed is an acknowledged action
        drill.act(act.Ask(inject="call", question="consequences"))
        n += 1
        print("ack", n, len(drill.journal), flush=True)
        drill.shift_clock(-1)  # keep the drill from ending
""")


def test_killing_the_process_loses_no_acknowledged_action(tmp_path, drill_file):
    database = tmp_path / "killed.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(database), str(drill_file.path)],
        stdout=subprocess.PIPE, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    run_line = child.stdout.readline().split()
    acknowledged_entries = 0
    for line in child.stdout:
        _, count, entries = line.split()
        acknowledged_entries = int(entries)
        if int(count) >= 40:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    store = JournalStore(open_database(database, MIGRATIONS), wall_clock)
    stored = store.entries(int(run_line[1]))
    assert len(stored) >= acknowledged_entries
    assert sum(1 for e in stored if e.kind == "action") >= 41
    assert store.run(int(run_line[1])).status == "running"  # interrupted: resume or close it


def test_a_foreign_file_is_never_overwritten(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        open_database(path, MIGRATIONS)
    assert path.read_bytes() == before


def test_migrations_are_applied_once(tmp_path):
    db = open_database(tmp_path / "m.db", MIGRATIONS)
    db.conn.close()
    db = open_database(tmp_path / "m.db", MIGRATIONS)
    names = [row[0] for row in db.execute("SELECT name FROM schema_migrations")]
    assert names == [migration.name for migration in MIGRATIONS]


def test_resume_after_events_the_engine_logged_by_itself(tmp_path, drill_file, policy):
    store = JournalStore(open_database(tmp_path / "j.db", MIGRATIONS), wall_clock)
    run_id, drill = start_recorded(store, drill_file, policy, 4)
    drill.skip_to_next()
    drill.run_until(drill.now + 20)  # the phone rings on: a deadline passes, nobody acted
    resumed = resume_recorded(store, run_id, drill_file, policy)
    assert resumed.now == store.entries(run_id)[-1].at  # the clock resumes where the journal ends
    assert resumed.inbox["call"].state == drill.inbox["call"].state
