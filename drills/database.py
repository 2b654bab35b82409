"""Opening the SQLite database safely, and the migrations every schema change goes through.

Each room lists its own migrations; ``open_database`` applies whatever an older file
lacks, in order, so an old database opens and upgrades with its history intact.
A file that is not a DutyDrill database, or is damaged or locked, is never written to.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import sqlite_utils

BUSY_TIMEOUT_SECONDS = 5.0
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Migration:
    name: str  # never renamed once released: it is how a database knows what it has
    apply: Callable[[sqlite_utils.Database], None]


class DatabaseError(Exception):
    """The database cannot be used; the message says which file and why, and what to do."""


def _refuse_foreign_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"{path}: cannot read the database: {error.strerror or error}") from None
    if header != _SQLITE_HEADER:
        raise DatabaseError(
            f"{path}: this file is not a SQLite database (damaged, or another kind of file). "
            "It was left untouched; point --db or DUTYDRILL_DB at another file, or restore a backup."
        )


def connect(path: Path) -> sqlite_utils.Database:
    """Open (or create) the database in WAL mode with a busy timeout; no migrations."""
    _refuse_foreign_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=True)
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL")
        # FULL in WAL mode: an acknowledged action survives a power cut, not just a crash.
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path}: the database cannot be opened ({error}). It was left untouched.") from None
    except OSError as error:
        raise DatabaseError(f"{path}: cannot create the database: {error.strerror or error}") from None
    return sqlite_utils.Database(connection)


def apply_migrations(db: sqlite_utils.Database, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations this database lacks, each in its own IMMEDIATE transaction."""
    connection = db.conn
    connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    applied_now = []
    for migration in migrations:
        connection.execute("BEGIN IMMEDIATE")
        try:
            done = connection.execute("SELECT 1 FROM schema_migrations WHERE name = ?", [migration.name]).fetchone()
            if done is None:
                migration.apply(db)
                connection.execute(
                    "INSERT INTO schema_migrations (name, applied) VALUES (?, strftime('%Y-%m-%dT%H:%M:%S', 'now'))",
                    [migration.name],
                )
                applied_now.append(migration.name)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return applied_now


def open_database(path: Path, migrations: Sequence[Migration]) -> sqlite_utils.Database:
    """Connect and bring the schema up to date; every failure is a ``DatabaseError``."""
    db = connect(path)
    try:
        apply_migrations(db, migrations)
    except sqlite3.OperationalError as error:
        db.conn.close()
        if "locked" in str(error) or "busy" in str(error):
            raise DatabaseError(f"{path}: the database is locked by another program; try again in a moment.") from None
        raise DatabaseError(f"{path}: the database could not be upgraded ({error}). It was left as it was.") from None
    except sqlite3.DatabaseError as error:
        db.conn.close()
        raise DatabaseError(f"{path}: the database is damaged ({error}). It was left untouched.") from None
    return db
