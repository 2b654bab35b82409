"""The journal: every inject delivered and every action taken, written the moment it happens.

A run is one sitting of a drill. Each journal row is committed on its own (WAL,
synchronous FULL), so killing the process loses nothing already acknowledged, and an
interrupted run can be resumed by replaying its actions or closed as interrupted.
A group sitting instead holds entries in ``PendingEntries`` and commits them together at
its own moments: what it may lose on a crash is only what the engine logged by itself
since, which replaying the journal brings back the same.
The wall clock is passed in: nothing in ``drills/`` reads it by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import sqlite_utils

from drills.database import Migration
from drills.engine import JournalEntry


def _create_runs_and_journal(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            scenario_id TEXT NOT NULL,
            language TEXT NOT NULL,
            scenario_path TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            seed INTEGER NOT NULL,
            engine_version TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'running',
            started TEXT NOT NULL,
            ended TEXT
        )""")
    db.execute("""
        CREATE TABLE journal (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,
            drill_seconds REAL NOT NULL,
            wall_time TEXT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        )""")
    db.execute("CREATE INDEX runs_by_status ON runs(status)")


MIGRATIONS = [Migration("drills-0001-runs-and-journal", _create_runs_and_journal)]

RUN_STATUSES = ("running", "finished", "interrupted", "abandoned")


@dataclass(frozen=True)
class Run:
    id: int
    scenario_id: str
    language: str
    scenario_path: str
    scenario_hash: str
    seed: int
    engine_version: str
    status: str
    started: str
    ended: str | None


def entry_json(entry: JournalEntry) -> str:
    """The canonical bytes of an entry: sorted keys, so the same run gives the same text."""
    return json.dumps(entry.data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_INSERT = "INSERT INTO journal (run_id, seq, drill_seconds, wall_time, kind, data) VALUES (?, ?, ?, ?, ?, ?)"


def insert_entry_rows(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """Journal rows as ``PendingEntries.rows`` gives them, inside the caller's transaction."""
    db.conn.executemany(_INSERT, rows)


class JournalStore:
    def __init__(self, db: sqlite_utils.Database, wall_clock: Callable[[], str]) -> None:
        self.db = db
        self._wall_clock = wall_clock

    def start_run(self, *, scenario_id: str, language: str, scenario_path: str, scenario_hash: str,
                  seed: int, engine_version: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (scenario_id, language, scenario_path, scenario_hash, seed, engine_version, status, started)"
            " VALUES (?, ?, ?, ?, ?, ?, 'running', ?)",
            [scenario_id, language, scenario_path, scenario_hash, seed, engine_version, self._wall_clock()],
        )
        return int(cursor.lastrowid)

    def writer(self, run_id: int) -> Callable[[JournalEntry], None]:
        """A callback for ``Drill(on_entry=...)`` that commits each entry as it comes."""
        def write(entry: JournalEntry) -> None:
            self.db.execute(_INSERT, [run_id, entry.seq, entry.at, self._wall_clock(), entry.kind, entry_json(entry)])
        return write

    def pending(self, run_id: int) -> PendingEntries:
        """A callback for ``Drill.attach`` that holds entries until the caller commits them."""
        return PendingEntries(self, run_id)

    def entries(self, run_id: int) -> list[JournalEntry]:
        rows = self.db.execute(
            "SELECT seq, drill_seconds, kind, data FROM journal WHERE run_id = ? ORDER BY seq", [run_id]
        ).fetchall()
        return [JournalEntry(seq, at, kind, json.loads(data)) for seq, at, kind, data in rows]

    def run(self, run_id: int) -> Run | None:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", [run_id]).fetchone()
        return Run(*row) if row else None

    def runs_with_status(self, status: str) -> list[Run]:
        rows = self.db.execute("SELECT * FROM runs WHERE status = ? ORDER BY id", [status]).fetchall()
        return [Run(*row) for row in rows]

    def close_run(self, run_id: int, status: str) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        self.db.execute("UPDATE runs SET status = ?, ended = ? WHERE id = ?", [status, self._wall_clock(), run_id])


class PendingEntries:
    """Journal entries held to be written together, inside a transaction the caller commits.

    Rows stay held until ``clear``: a transaction that fails (a busy database) leaves them
    to be written by the next one, so the stored journal never has a gap.
    """

    def __init__(self, store: JournalStore, run_id: int) -> None:
        self._store = store
        self._run_id = run_id
        self._rows: list[tuple] = []

    def __call__(self, entry: JournalEntry) -> None:
        # Stamped when it happened, not when it was committed.
        self._rows.append((self._run_id, entry.seq, entry.at, self._store._wall_clock(), entry.kind, entry_json(entry)))

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> list[tuple]:
        """The held entries as journal rows: (run, seq, drill seconds, wall time, kind, data)."""
        return list(self._rows)

    def clear(self) -> None:
        """Forget the held entries once the transaction that wrote them has committed."""
        self._rows.clear()
