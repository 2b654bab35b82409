"""The records survive what offices do to them: an old database, two writers at once, a
damaged or unreadable file, a database locked by another program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.database import DatabaseError
from drills.journal import MIGRATIONS as JOURNAL_MIGRATIONS
from scoring.records import MIGRATIONS, RecordsStore, open_records
from scoring.groups import GROUP_MIGRATIONS
from scoring.trainer_schema import TRAINER_MIGRATIONS
from tests.conftest import REPO
from tests.records.conftest import make_scorecard
from tui.cli import main

# Made by the first schema (commit 1806ae6: the journal's migration only) with that
# commit's engine: run 1 is the night drill sat ideally, run 2 was cut off after 2 minutes.
FIRST_SCHEMA = Path(__file__).parent / "fixtures" / "first-schema.db"


def invoke(database: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "--db", str(database), *args], catch_exceptions=False)


def test_a_first_schema_database_upgrades_with_its_history(tmp_path, clock, drill_file, policy):
    database = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, database)
    records = RecordsStore(open_records(database), clock)
    names = [row[0] for row in records.db.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert names == [m.name for m in JOURNAL_MIGRATIONS + MIGRATIONS + TRAINER_MIGRATIONS + GROUP_MIGRATIONS]
    assert [(run.id, run.status, run.seed) for run in (records.journal.run(1), records.journal.run(2))] == [
        (1, "finished", 8), (2, "running", 9)]
    assert len(records.journal.entries(1)) + len(records.journal.entries(2)) == 25
    assert records.journal.entries(1)[0].kind == "drill_started"
    # The upgraded file takes new records beside the old history…
    trainee = records.add_trainee("张伟")
    attempt_id, _ = records.start_attempt(trainee, drill_file, policy, seed=1, mode="exam")
    records.finish_attempt(attempt_id, make_scorecard(90))
    assert records.require_attempt(attempt_id).run_id == 3
    records.db.conn.close()
    # …and the run the first version left open can still be closed.
    closed = invoke(database, "drill", "close", "2")
    assert closed.exit_code == 0 and "Run 2 closed as interrupted." in closed.output
    assert "张伟" in invoke(database, "trainee", "list").output


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from scoring.records import RecordsStore, open_records
    from tests.records.conftest import make_drill_file, make_scorecard
    from drills.locations import DEFAULT_POLICY
    from drills.policy import load_policy

    database, tag, start, folder = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
    drill_file = make_drill_file(folder, f"drill-{tag}")
    policy = load_policy(DEFAULT_POLICY)
    records = RecordsStore(open_records(database), lambda: "2026-03-01T08:00:00")
    while time.time() < start:  # both writers begin together
        time.sleep(0.001)
    for number in range(40):
        trainee = records.add_trainee(f"{tag}-{number}", cohort="shared")  # read-then-write: the cohort
        attempt_id, drill = records.start_attempt(trainee, drill_file, policy, seed=number, mode="exam")
        drill.run_until(600)
        records.finish_attempt(attempt_id, make_scorecard(80 + number % 20))
    print("done")
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    database = tmp_path / "shared.db"
    open_records(database).conn.close()
    for tag in ("a", "b"):
        (tmp_path / tag).mkdir()
    start = time.time() + 1.5
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(database), tag, str(start), str(tmp_path / tag)],
                                cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for tag in ("a", "b")]
    outcomes = [writer.communicate(timeout=120) for writer in writers]
    assert [out.strip() for out, _ in outcomes] == ["done", "done"], [err for _, err in outcomes]
    db = open_records(database)

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    assert count("SELECT count(*) FROM trainees") == 80
    assert count("SELECT count(*) FROM cohorts") == 1
    assert count("SELECT count(*) FROM attempts WHERE status = 'finished'") == 80
    assert count("SELECT count(DISTINCT run_id) FROM attempts") == 80
    assert count("SELECT count(*) FROM findings") == 80
    assert count("SELECT count(*) FROM journal") == count("SELECT count(*) FROM journal j JOIN runs r ON r.id = j.run_id")
    assert count("SELECT count(*) FROM runs WHERE status = 'finished'") == 80


def test_a_foreign_file_is_named_and_left_alone(tmp_path):
    database = tmp_path / "notes.db"
    database.write_bytes("值班笔记，不是数据库。".encode() * 100)
    before = database.read_bytes()
    result = invoke(database, "trainee", "list")
    assert result.exit_code == 1 and str(database) in result.output and "not a SQLite database" in result.output
    assert "Traceback" not in result.output
    assert database.read_bytes() == before


def test_a_damaged_database_is_named_and_left_alone(tmp_path, clock):
    database = tmp_path / "damaged.db"
    records = RecordsStore(open_records(database), clock)
    for number in range(200):
        records.add_trainee(f"学员{number}", unit="县委办" * 20)
    records.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    records.db.conn.close()
    data = bytearray(database.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xff" * (4096 * 4)  # scribble over pages in the middle
    database.write_bytes(bytes(data))
    before = database.read_bytes()
    for command in (["trainee", "list"], ["readiness"], ["report"]):
        result = invoke(database, *command)
        assert result.exit_code == 1, result.output
        assert str(database) in result.output and "Traceback" not in result.output
    assert database.read_bytes() == before


def test_an_unreadable_database_path_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    monkeypatch.setenv("DUTYDRILL_DB", str(folder))  # --db itself refuses a folder
    result = CliRunner().invoke(main, ["--lang", "en", "trainee", "add", "张伟"], catch_exceptions=False)
    assert result.exit_code == 1 and str(folder) in result.output and "cannot read" in result.output


LOCKER = textwrap.dedent("""
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO cohorts (name, created) VALUES ('held', 'now')")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("ROLLBACK")
""")


def test_a_database_locked_past_the_timeout_gives_a_clear_message(tmp_path, monkeypatch):
    database = tmp_path / "locked.db"
    open_records(database).conn.close()
    monkeypatch.setattr("drills.database.BUSY_TIMEOUT_SECONDS", 0.3)
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(database), "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        result = invoke(database, "trainee", "add", "张伟")
        assert result.exit_code == 1 and str(database) in result.output and "locked by another program" in result.output
    finally:
        locker.kill()
        locker.wait()
    assert invoke(database, "trainee", "add", "张伟").exit_code == 0  # nothing was harmed


def test_a_lock_taken_after_opening_is_worded_too(tmp_path, monkeypatch, clock):
    database = tmp_path / "locked.db"
    monkeypatch.setattr("drills.database.BUSY_TIMEOUT_SECONDS", 0.3)
    records = RecordsStore(open_records(database), clock)
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(database), "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        with pytest.raises(Exception, match="locked"):
            records.add_trainee("张伟")
    finally:
        locker.kill()
        locker.wait()
    assert records.add_trainee("张伟").name == "张伟"  # the failed transaction was rolled back


def test_open_records_refuses_rather_than_overwrites(tmp_path):
    database = tmp_path / "other.sqlite"
    database.write_bytes(b"PK\x03\x04 a zip file, not ours")
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        open_records(database)


JOURNAL_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from drills.engine import JournalEntry
    from drills.journal import JournalStore
    from scoring.records import open_records

    store = JournalStore(open_records(Path(sys.argv[1])), lambda: "wall")
    run_id = store.start_run(scenario_id="d", language="zh", scenario_path="d.yaml", scenario_hash="h", seed=1, engine_version="1")
    write = store.writer(run_id)
    print("writing", flush=True)
    for seq in range(1, 100_000):
        write(JournalEntry(seq, float(seq), "action", {"action": {"kind": "answer", "inject": "call"}}))
""")


def test_a_backup_taken_while_a_drill_writes_is_consistent(tmp_path):
    database, copy = tmp_path / "live.db", tmp_path / "copy.db"
    open_records(database).conn.close()
    writer = subprocess.Popen([sys.executable, "-c", JOURNAL_WRITER, str(database)], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        time.sleep(0.3)
        result = invoke(database, "db", "backup", str(copy))
        assert result.exit_code == 0, result.output
    finally:
        writer.kill()
        writer.wait()
    db = open_records(copy)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    seqs = [row[0] for row in db.execute("SELECT seq FROM journal ORDER BY seq")]
    assert seqs and seqs == list(range(1, len(seqs) + 1))  # a snapshot: no gaps, nothing half-written
