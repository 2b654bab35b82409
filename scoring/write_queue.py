"""How a room of trainee processes writes to one records database: in turn, and together.

``WriterQueue.turn`` is a lock file beside the database that writers queue on. SQLite's
busy timeout makes a blocked writer sleep and retry with growing pauses, so with thirty
processes writing at the same drill second some would wait for a second or more; waiting
on a file lock, each is woken the moment the writer before it is done.

``WriterQueue.commit_journal`` is a group commit beside that queue. Each durable commit
costs an fsync (WAL, synchronous FULL), and thirty trainees acting at the same second
would queue for thirty of them. Instead a trainee leaves its journal rows as a request
file in a spool beside the database and takes the turn if it is free; whoever has it
commits every request in the spool in one transaction, one fsync, and only then removes
the files. A trainee who finds its request gone knows it is on disk; while it is there
and the turn taken, it looks again a moment later. The spool files are only the
hand-over: nothing is acknowledged before the commit.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from drills.journal import insert_entry_rows
from scoring.records import write_transaction

try:
    import fcntl
except ImportError:  # Windows: writers fall back on SQLite's busy timeout alone
    fcntl = None

_APPLIED = "UPDATE group_members SET applied_seq = ? WHERE attempt_id = ?"
# A writer whose rows are in the spool looks again this soon, then less and less often:
# a turn commits a room's rows in a millisecond or two.
FIRST_LOOK_SECONDS = 0.0005
LAST_LOOK_SECONDS = 0.002


class WriterQueue:
    """The writers' lock file and journal spool beside one database (re-entrant turns)."""

    def __init__(self, database: Path | str) -> None:
        path = os.path.realpath(database) if database else ""
        self._handle = open(f"{path}-writers", "a+b") if path and fcntl else None
        self._spool = Path(f"{path}-spool")
        self._depth = 0

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> WriterQueue:
        return cls(db.execute("PRAGMA database_list").fetchone()[2])

    @contextmanager
    def turn(self) -> Iterator[None]:
        if self._handle is not None and self._depth == 0:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._handle is not None and self._depth == 0:
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)

    def commit_journal(self, db: sqlite_utils.Database, rows: list[tuple], applied: tuple[int, int] | None = None) -> None:
        """Journal rows (and a group member's ``(applied_seq, attempt_id)``) on disk when this returns,
        committed with whatever other trainees left in the spool meanwhile."""
        if self._handle is None or self._depth:  # no lock file to queue on, or inside a turn already: alone
            with self.turn(), write_transaction(db):
                _write_request(db, {"rows": rows, "applied": applied})
            return
        request = self._leave(rows, applied)
        pause = FIRST_LOOK_SECONDS
        while request.exists():
            if self._take_turn_if_free():
                try:
                    if request.exists():
                        self._commit_spool(db, request)
                finally:
                    self._depth = 0
                    fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
                break
            time.sleep(pause)
            pause = min(2 * pause, LAST_LOOK_SECONDS)
        if _failed(request).exists():  # another's turn could not write it
            _failed(request).unlink()
            raise sqlite3.IntegrityError(f"journal rows conflict with those stored (run {rows[0][0]}, entry {rows[0][1]})")

    def _take_turn_if_free(self) -> bool:
        # Not queued behind the turn: every writer waiting for one would be woken one after
        # another, each only to find its rows written by the turn before.
        try:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._depth = 1
        return True

    def _leave(self, rows: list[tuple], applied: tuple[int, int] | None) -> Path:
        self._spool.mkdir(exist_ok=True)
        name = f"{uuid.uuid4().hex}.json"  # unique across processes and the sittings within one
        partial = self._spool / f".{name}"  # a leading dot: never read half-written
        partial.write_text(json.dumps({"rows": rows, "applied": applied}, ensure_ascii=False), encoding="utf-8")
        return partial.replace(self._spool / name)

    def _commit_spool(self, db: sqlite_utils.Database, own: Path) -> None:
        """Every request in the spool in one transaction, each in a savepoint, so one that
        cannot be written holds back only itself: it is set aside for its writer to raise."""
        requests = sorted(self._spool.glob("[!.]*.json"))
        done, refused, own_error = [], [], None
        with write_transaction(db):
            for path in requests:
                try:
                    request = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue  # cannot come from _leave (written whole, then renamed): not worth failing the room for
                db.conn.execute("SAVEPOINT request")
                try:
                    _write_request(db, request)
                except sqlite3.IntegrityError as error:
                    db.conn.execute("ROLLBACK TO request")
                    if _stored_already(db, request):  # committed by a turn that died before removing the file
                        done.append(path)
                    elif path == own:
                        own_error = error
                    else:
                        refused.append(path)
                else:
                    done.append(path)
                db.conn.execute("RELEASE request")
        for path in done:
            path.unlink(missing_ok=True)
        for path in refused:
            path.replace(_failed(path))
        if own_error is not None:
            own.unlink(missing_ok=True)  # the caller still holds its rows and says what went wrong
            raise own_error


def _write_request(db: sqlite_utils.Database, request: dict) -> None:
    insert_entry_rows(db, [tuple(row) for row in request["rows"]])
    if request["applied"] is not None:
        db.execute(_APPLIED, list(request["applied"]))


def _failed(request: Path) -> Path:
    return request.with_name(f".{request.name}.failed")


def _stored_already(db: sqlite_utils.Database, request: dict) -> bool:
    """Whether the request's last entry is stored as it is (wall time aside): then all of it is."""
    if not request["rows"]:
        return False
    run_id, seq, at, _, kind, data = request["rows"][-1]
    stored = db.execute("SELECT drill_seconds, kind, data FROM journal WHERE run_id = ? AND seq = ?", [run_id, seq]).fetchone()
    return stored is not None and tuple(stored) == (at, kind, data)
