"""A derived, disposable cache of the rulebook in one SQLite file, like a search engine's
on-disk index: parsed sections per Markdown file and the search postings per edition.

Everything in it is keyed by a hash of exactly what it was derived from (a file's bytes,
its name, the language and the parser version; the folded text of a whole edition), so
it can never serve stale data: a changed file simply has a new key. Rows are plain
values (text, integers, JSON, arrays of integers): nothing in the file can run code.

The cache is an optimization only. A missing, corrupt, foreign, read-only or locked file
makes ``open_store`` return None or a store whose reads and writes quietly do nothing,
and the caller parses as if there were no cache. A corrupt or foreign file is replaced
when the folder is writable. Rows no edition refers to any more are pruned on writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import platformdirs

HOME_VARIABLE = "DUTYDRILL_HOME"  # the same variable drills.locations reads (knowledge cannot import drills)
CACHE_FILE = "rulebook-cache.sqlite"
FORMAT = "dutydrill-rulebook-cache 2"
BUSY_TIMEOUT = 0.5  # seconds to wait for another process's write before giving up on the cache

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, document TEXT NOT NULL, problems TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sections (
    file TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, level INTEGER NOT NULL,
    document TEXT NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL, hash TEXT NOT NULL, line INTEGER NOT NULL,
    parent TEXT, links TEXT NOT NULL, PRIMARY KEY (file, position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS editions (edition TEXT PRIMARY KEY, files TEXT NOT NULL, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS indexes (key TEXT PRIMARY KEY, shift INTEGER NOT NULL, fences TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS index_owners (edition TEXT PRIMARY KEY, key TEXT NOT NULL, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    key TEXT NOT NULL, chunk INTEGER NOT NULL, grams TEXT NOT NULL, offsets BLOB NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (key, chunk)) WITHOUT ROWID;
"""


def default_cache_folder() -> Path:
    """``$DUTYDRILL_HOME/cache`` when the data folder is moved (the tests always do), else
    the platform's cache folder for dutydrill."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override).expanduser() / "cache"
    return Path(platformdirs.user_cache_dir("dutydrill", appauthor=False))


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    else:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    return connection


class CacheStore:
    """One cache file. Reads and writes never raise: a failing store just stops caching."""

    def __init__(self, path: Path, connection: sqlite3.Connection, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self._connection = connection
        self._lock = threading.Lock()  # the one connection may be used from one thread at a time

    def close(self) -> None:
        try:
            self._connection.close()
        except sqlite3.Error:
            pass

    def read(self, sql: str, parameters: tuple = ()) -> list[tuple] | None:
        """All rows, or None if the cache cannot be read (callers then parse)."""
        try:
            with self._lock:
                return self._connection.execute(sql, parameters).fetchall()
        except (sqlite3.Error, ValueError):
            return None

    def write(self, statements: list[tuple[str, object]]) -> bool:
        """Run ``(sql, parameters)`` pairs in one transaction (a list or iterator of parameter
        tuples means executemany, a function is called for the parameters when their turn
        comes); False if the cache is read-only, locked or broken."""
        if not self.writable:
            return False
        try:
            with self._lock:
                connection = self._connection
                connection.execute("BEGIN IMMEDIATE")
                try:
                    for sql, parameters in statements:
                        if callable(parameters):
                            parameters = parameters()
                        if isinstance(parameters, tuple):
                            connection.execute(sql, parameters)
                        else:
                            connection.executemany(sql, parameters)  # type: ignore[arg-type]
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
            return True
        except (sqlite3.Error, ValueError):
            return False

    # Editions and pruning

    def remember_edition(self, edition: str, file_keys: list[str]) -> None:
        """Record which files an edition uses now, and drop the rows no edition uses
        (nothing is written when that has not changed, as on every load of an unchanged rulebook)."""
        files = json.dumps(file_keys)
        if self.read("SELECT files FROM editions WHERE edition = ?", (edition,)) == [(files,)]:
            return
        self.write([("INSERT OR REPLACE INTO editions VALUES (?, ?, ?)", (edition, files, time.time())), *_prune_statements()])

    def remember_index(self, edition: str, key: str) -> None:
        """Record which postings an edition uses now, and drop those no edition uses."""
        if self.read("SELECT key FROM index_owners WHERE edition = ?", (edition,)) == [(key,)]:
            return
        self.write([("INSERT OR REPLACE INTO index_owners VALUES (?, ?, ?)", (edition, key, time.time())), *_prune_statements()])


def _prune_statements() -> list[tuple[str, object]]:
    files_in_use = "SELECT value FROM editions, json_each(editions.files)"
    return [
        (f"DELETE FROM sections WHERE file NOT IN ({files_in_use})", ()),
        (f"DELETE FROM files WHERE key NOT IN ({files_in_use})", ()),
        ("DELETE FROM chunks WHERE key NOT IN (SELECT key FROM index_owners)", ()),
        ("DELETE FROM indexes WHERE key NOT IN (SELECT key FROM index_owners)", ()),
    ]


def open_store(folder: Path | str | None) -> CacheStore | None:
    """The cache in ``folder`` (created if need be), or None if there is no usable one.
    An older or corrupt cache file is replaced; another program's database is left alone."""
    if folder is None:
        return None
    path = Path(folder) / CACHE_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    store, replace = _try_open(path)
    if replace:
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return None
        store, _ = _try_open(path)
    return store


def _try_open(path: Path) -> tuple[CacheStore | None, bool]:
    """(a store on ``path`` or None, whether the file should be replaced: an older or corrupt cache)."""
    connection = None
    try:
        connection = _connect(path)
        found = _format_of(connection)
        if found is None:  # a new, empty file: make it ours
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
            found = FORMAT
        if found == FORMAT:
            return CacheStore(path, connection, writable=True), False
        connection.close()
        return None, found.startswith(FORMAT.rsplit(" ", 1)[0])
    except sqlite3.DatabaseError as error:
        if connection is not None:
            connection.close()
        message = str(error)
        if "not a database" in message or "malformed" in message or "encrypted" in message:
            return None, True
        # Read-only, locked or not creatable: read what is there if it is ours, write nothing.
        return _read_only(path), False
    except (OSError, ValueError):
        if connection is not None:
            connection.close()
        return None, False


def _read_only(path: Path) -> CacheStore | None:
    connection = None
    try:
        connection = _connect(path, read_only=True)
        if _format_of(connection) == FORMAT:
            return CacheStore(path, connection, writable=False)
    except (sqlite3.Error, OSError, ValueError):
        pass
    if connection is not None:
        connection.close()
    return None


def _format_of(connection: sqlite3.Connection) -> str | None:
    """The file's format, None if it is empty, '' if it is some other SQLite database."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "meta" not in tables:
        return ""
    row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return row[0] if row else ""
