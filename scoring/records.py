"""The records: trainees, cohorts and their attempts, each with the scorecard it earned.

An attempt is one trainee's sitting of a drill: it points at the run whose journal holds
every action, and keeps what is needed to replay and re-score it later — the drill as it
was (a snapshot keyed by the file's hash), the seed, the engine version, the time-limit
policy (a snapshot keyed by its hash) and the hash of every rule it was scored against.

These tables come after ``drills.journal.MIGRATIONS``; ``open_records`` applies both.
Timestamps come from the ``wall_clock`` the caller passes: nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from drills import journal
from drills.catalog import DrillFile
from drills.database import Migration, open_database
from drills.engine import Drill
from drills.journal import JournalStore
from drills.policy import Policy
from drills.scenario import Scenario
from drills.session import start_recorded
from scoring.scorecard import Scorecard

MODES = ("practice", "exam")
CLOSED_STATUSES = ("interrupted", "abandoned")


def _create_records(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE cohorts (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL)")
    db.execute("""
        CREATE TABLE trainees (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            unit TEXT NOT NULL DEFAULT '',
            cohort_id INTEGER REFERENCES cohorts(id),
            archived INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        )""")
    # Snapshots shared by many attempts, so that a drill file or the policy can change
    # and every past attempt can still be replayed and re-scored as it was sat.
    db.execute("CREATE TABLE scenario_versions (hash TEXT PRIMARY KEY, drill TEXT NOT NULL, language TEXT NOT NULL, scenario TEXT NOT NULL)")
    db.execute("CREATE TABLE policy_versions (hash TEXT PRIMARY KEY, policy TEXT NOT NULL)")
    db.execute("""
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            run_id INTEGER NOT NULL UNIQUE REFERENCES runs(id),
            drill TEXT NOT NULL,
            language TEXT NOT NULL,
            scenario_hash TEXT NOT NULL REFERENCES scenario_versions(hash),
            seed INTEGER NOT NULL,
            engine_version TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'exam')),
            policy_hash TEXT NOT NULL REFERENCES policy_versions(hash),
            rule_hashes TEXT NOT NULL DEFAULT '{}',
            started TEXT NOT NULL,
            ended TEXT,
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'finished', 'interrupted', 'abandoned')),
            score INTEGER,
            passed INTEGER,
            critical_errors INTEGER NOT NULL DEFAULT 0,
            scorecard TEXT
        )""")
    db.execute("""
        CREATE TABLE findings (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            finding TEXT NOT NULL,
            rule TEXT NOT NULL,
            status TEXT NOT NULL,
            severity TEXT NOT NULL,
            competency TEXT NOT NULL,
            points REAL NOT NULL,
            possible INTEGER NOT NULL,
            PRIMARY KEY (attempt_id, finding)
        )""")
    # A finished attempt's subtotals, one row per competency it exercised. trainee_id, mode and
    # ended are copied from the attempt (they never change once it is scored) so that the
    # readiness board reads one covering index instead of joining 100k attempts.
    db.execute("""
        CREATE TABLE competency_results (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            competency TEXT NOT NULL,
            trainee_id INTEGER NOT NULL,
            mode TEXT NOT NULL,
            ended TEXT NOT NULL,
            awarded REAL NOT NULL,
            possible INTEGER NOT NULL,
            percent INTEGER NOT NULL,
            PRIMARY KEY (attempt_id, competency)
        )""")
    # A log of each section's wording: a row whenever its hash differs from the last one
    # noted, so a rule edited and later reverted still shows both changes.
    db.execute("""
        CREATE TABLE rule_versions (
            id INTEGER PRIMARY KEY,
            section TEXT NOT NULL,
            language TEXT NOT NULL,
            hash TEXT NOT NULL,
            first_seen TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX rule_versions_by_section ON rule_versions (language, section, id)")
    # Covering indexes for the readiness board (per trainee and drill, and per trainee
    # and competency) and for a trainee's last N exams; measured in bench_records.py.
    db.execute("CREATE INDEX attempts_for_board ON attempts (mode, status, drill, trainee_id, ended, score, passed)")
    db.execute("CREATE INDEX attempts_by_trainee ON attempts (trainee_id, mode, status, ended, critical_errors)")
    db.execute("CREATE INDEX competencies_for_board ON competency_results (mode, competency, trainee_id, percent, ended)")
    db.execute("CREATE INDEX competencies_by_trainee ON competency_results (trainee_id, competency, awarded, possible)")


MIGRATIONS = [Migration("records-0001-trainees-attempts-findings", _create_records)]


def open_records(path: Path) -> sqlite_utils.Database:
    """Open the database with every room's migrations applied, oldest first."""
    from scoring.groups import GROUP_MIGRATIONS  # these tables build on the records'
    from scoring.trainer_schema import TRAINER_MIGRATIONS

    return open_database(path, [*journal.MIGRATIONS, *MIGRATIONS, *TRAINER_MIGRATIONS, *GROUP_MIGRATIONS])


class RecordsError(Exception):
    """A request the records cannot meet; ``code`` is for the interface to word."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code, details)
        self.code = code
        self.details = details


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock before reading, so two processes doing
    read-then-write never fail half-way (performance-notes: a plain BEGIN does)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def policy_hash(policy: Policy) -> str:
    """The time-limit policy's fingerprint: changes exactly when a value in it changes."""
    return hashlib.sha256(canonical_json(policy.model_dump(mode="json")).encode()).hexdigest()


@dataclass(frozen=True)
class Trainee:
    id: int
    name: str
    unit: str
    cohort: str | None
    archived: bool
    created: str


@dataclass(frozen=True)
class Attempt:
    id: int
    trainee_id: int
    run_id: int
    drill: str
    language: str
    scenario_hash: str
    seed: int
    engine_version: str
    mode: str
    policy_hash: str
    rule_hashes: dict[str, str]
    started: str
    ended: str | None
    status: str
    score: int | None
    passed: bool | None
    critical_errors: int
    scorecard: dict[str, Any] | None


_TRAINEE_COLUMNS = "t.id, t.name, t.unit, c.name, t.archived, t.created FROM trainees t LEFT JOIN cohorts c ON c.id = t.cohort_id"


def _trainee(row: tuple) -> Trainee:
    return Trainee(row[0], row[1], row[2], row[3], bool(row[4]), row[5])


def _attempt(row: tuple) -> Attempt:
    values = list(row)[:len(fields(Attempt))]  # later migrations add columns that others read
    values[10] = json.loads(values[10])
    values[15] = None if values[15] is None else bool(values[15])
    values[17] = json.loads(values[17]) if values[17] else None
    return Attempt(*values)


class RecordsStore:
    """Reads and writes trainees and attempts; each write is one IMMEDIATE transaction."""

    def __init__(self, db: sqlite_utils.Database, wall_clock: Callable[[], str]) -> None:
        self.db = db
        self.journal = JournalStore(db, wall_clock)
        self._wall_clock = wall_clock

    # Trainees and cohorts

    def add_trainee(self, name: str, unit: str = "", cohort: str | None = None) -> Trainee:
        """A new trainee; raises ``RecordsError('trainee_exists')`` if the name is taken."""
        name = name.strip()
        if not name:
            raise RecordsError("trainee_name_empty")
        with write_transaction(self.db):
            if self.db.execute("SELECT 1 FROM trainees WHERE name = ?", [name]).fetchone():
                raise RecordsError("trainee_exists", name=name)
            cohort_id = self._cohort_id(cohort) if cohort else None
            self.db.execute("INSERT INTO trainees (name, unit, cohort_id, created) VALUES (?, ?, ?, ?)",
                            [name, unit.strip(), cohort_id, self._wall_clock()])
        return self.trainee(name)  # type: ignore[return-value]

    def _cohort_id(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM cohorts WHERE name = ?", [name.strip()]).fetchone()
        if row:
            return row[0]
        return self.db.execute("INSERT INTO cohorts (name, created) VALUES (?, ?)", [name.strip(), self._wall_clock()]).lastrowid

    def trainee(self, name: str) -> Trainee | None:
        row = self.db.execute(f"SELECT {_TRAINEE_COLUMNS} WHERE t.name = ?", [name.strip()]).fetchone()
        return _trainee(row) if row else None

    def require_trainee(self, name: str) -> Trainee:
        """The trainee with this name, or ``RecordsError('unknown_trainee')``."""
        found = self.trainee(name)
        if found is None:
            raise RecordsError("unknown_trainee", name=name)
        return found

    def trainees(self, include_archived: bool = False, cohort: str | None = None) -> list[Trainee]:
        where, values = ["1"], []
        if not include_archived:
            where.append("NOT t.archived")
        if cohort:
            where.append("c.name = ?")
            values.append(cohort)
        rows = self.db.execute(f"SELECT {_TRAINEE_COLUMNS} WHERE {' AND '.join(where)} ORDER BY t.name", values)
        return [_trainee(row) for row in rows]

    # Attempts

    def start_attempt(self, trainee: Trainee, drill_file: DrillFile, policy: Policy, seed: int,
                      mode: str) -> tuple[int, Drill]:
        """Start a recorded run for a trainee: every journal entry is committed as it happens."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        scenario = drill_file.scenario
        fingerprint = policy_hash(policy)
        with write_transaction(self.db):
            run_id, drill = start_recorded(self.journal, drill_file, policy, seed)
            # In file order, never with sorted keys: the variables are drawn in the order
            # they are written, so reordering them would change the drill a seed gives.
            self.db.execute("INSERT OR IGNORE INTO scenario_versions (hash, drill, language, scenario) VALUES (?, ?, ?, ?)",
                            [drill_file.content_hash, scenario.id, scenario.language, scenario.model_dump_json()])
            self.db.execute("INSERT OR IGNORE INTO policy_versions (hash, policy) VALUES (?, ?)",
                            [fingerprint, canonical_json(policy.model_dump(mode="json"))])
            attempt_id = self.db.execute(
                "INSERT INTO attempts (trainee_id, run_id, drill, language, scenario_hash, seed, engine_version, mode,"
                " policy_hash, started) SELECT ?, id, scenario_id, language, scenario_hash, seed, engine_version, ?, ?, started"
                " FROM runs WHERE id = ?", [trainee.id, mode, fingerprint, run_id]).lastrowid
        return attempt_id, drill

    def finish_attempt(self, attempt_id: int, scorecard: Scorecard, status: str = "finished") -> None:
        """Close the attempt and its run (finished, interrupted or abandoned) with its scorecard."""
        attempt = self.require_attempt(attempt_id)
        with write_transaction(self.db):
            self._close(attempt.run_id, attempt.id, status)
            self._store_scorecard(attempt_id, scorecard)

    def _close(self, run_id: int, attempt_id: int | None, status: str) -> None:
        # Checked inside the write transaction: two processes closing one run cannot both win.
        run = self.journal.run(run_id)
        if run is None:
            raise RecordsError("unknown_run", run=run_id)
        if run.status != "running":
            raise RecordsError("run_not_running", run=run_id, status=run.status)
        self.journal.close_run(run_id, status)
        if attempt_id is not None:
            self.db.execute("UPDATE attempts SET status = ?, ended = (SELECT ended FROM runs WHERE id = ?) WHERE id = ?",
                            [status, run_id, attempt_id])

    def replace_scorecard(self, attempt_id: int, scorecard: Scorecard, policy: Policy) -> None:
        """Keep a re-score: the new scorecard, rule hashes and policy replace the old ones.

        Inside the caller's write transaction, so the trainer's audit line commits with it."""
        fingerprint = policy_hash(policy)
        self.db.execute("INSERT OR IGNORE INTO policy_versions (hash, policy) VALUES (?, ?)",
                        [fingerprint, canonical_json(policy.model_dump(mode="json"))])
        self.db.execute("UPDATE attempts SET policy_hash = ? WHERE id = ?", [fingerprint, attempt_id])
        self.db.execute("DELETE FROM findings WHERE attempt_id = ?", [attempt_id])
        self.db.execute("DELETE FROM competency_results WHERE attempt_id = ?", [attempt_id])
        self._store_scorecard(attempt_id, scorecard)

    def _store_scorecard(self, attempt_id: int, scorecard: Scorecard) -> None:
        self.db.execute(
            "UPDATE attempts SET score = ?, passed = ?, critical_errors = ?, rule_hashes = ?, scorecard = ? WHERE id = ?",
            [scorecard.score, int(scorecard.passed), len(scorecard.critical_errors), canonical_json(scorecard.rule_hashes),
             canonical_json(scorecard.as_dict()), attempt_id])
        self.db.conn.executemany(
            "INSERT INTO findings (attempt_id, finding, rule, status, severity, competency, points, possible)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(attempt_id, f.id, f.rule, f.status.value, f.severity.value, f.competency.value, f.points, f.possible)
             for f in scorecard.findings])
        # Only finished attempts, and only competencies the drill exercised: a run cut
        # short or a subtotal of 0 of 0 says nothing about what the trainee can do.
        self.db.conn.executemany(
            "INSERT INTO competency_results (attempt_id, competency, trainee_id, mode, ended, awarded, possible, percent)"
            " SELECT ?, ?, trainee_id, mode, ended, ?, ?, ? FROM attempts WHERE id = ? AND status = 'finished'",
            [(attempt_id, name, subtotal.awarded, subtotal.possible, subtotal.percent, attempt_id)
             for name, subtotal in scorecard.competencies.items() if subtotal.possible > 0])

    def close_run(self, run_id: int, status: str, scorecard: Callable[[Attempt], Scorecard] | None = None) -> Attempt | None:
        """Close an interrupted run as interrupted or abandoned, with its attempt if it has one.

        ``scorecard`` scores what the journal holds so far; the attempt keeps it for the
        debrief, while readiness counts only finished attempts.
        """
        if status not in CLOSED_STATUSES:
            raise ValueError(f"a run is closed as {' or '.join(CLOSED_STATUSES)}")
        attempt = self.attempt_for_run(run_id)
        if attempt is not None and scorecard is not None:
            self.finish_attempt(attempt.id, scorecard(attempt), status)
        else:
            with write_transaction(self.db):
                self._close(run_id, attempt.id if attempt else None, status)
        return self.require_attempt(attempt.id) if attempt else None

    def attempt(self, attempt_id: int) -> Attempt | None:
        row = self.db.execute("SELECT * FROM attempts WHERE id = ?", [attempt_id]).fetchone()
        return _attempt(row) if row else None

    def require_attempt(self, attempt_id: int) -> Attempt:
        found = self.attempt(attempt_id)
        if found is None:
            raise RecordsError("unknown_attempt", attempt=attempt_id)
        return found

    def attempt_for_run(self, run_id: int) -> Attempt | None:
        row = self.db.execute("SELECT * FROM attempts WHERE run_id = ?", [run_id]).fetchone()
        return _attempt(row) if row else None

    def attempts_of(self, trainee: Trainee) -> list[Attempt]:
        rows = self.db.execute("SELECT * FROM attempts WHERE trainee_id = ? ORDER BY started, id", [trainee.id])
        return [_attempt(row) for row in rows]

    def scenario_as_sat(self, attempt: Attempt) -> Scenario:
        """The drill exactly as the attempt sat it, even if its file has changed since."""
        row = self.db.execute("SELECT scenario FROM scenario_versions WHERE hash = ?", [attempt.scenario_hash]).fetchone()
        return Scenario.model_validate_json(row[0])

    def policy_as_scored(self, attempt: Attempt) -> dict[str, Any]:
        """The time-limit policy (as plain data) the attempt was last scored with."""
        row = self.db.execute("SELECT policy FROM policy_versions WHERE hash = ?", [attempt.policy_hash]).fetchone()
        return json.loads(row[0])

    # Rule versions: when each section's current wording was first seen

    def record_rule_versions(self, language: str, hashes: dict[str, str], today: str) -> None:
        """Note each section whose hash differs from the last one noted (or is new)."""
        with write_transaction(self.db):
            latest = self._rule_versions_on(language, None)
            self.db.conn.executemany(
                "INSERT INTO rule_versions (section, language, hash, first_seen) VALUES (?, ?, ?, ?)",
                [(section, language, digest, today) for section, digest in sorted(hashes.items())
                 if latest.get(section) != digest])

    def _rule_versions_on(self, language: str, day: str | None) -> dict[str, str]:
        """Section → the hash noted last on or before ``day`` (None: the latest)."""
        rows = self.db.execute(
            "SELECT section, hash FROM rule_versions WHERE language = ? AND (? IS NULL OR first_seen <= ?) ORDER BY id",
            [language, day, day])
        return dict(rows.fetchall())

    def rules_changed_since(self, language: str, hashes: dict[str, str], since: str) -> list[str]:
        """Sections whose wording on ``since`` (as noted then) differs from ``hashes``;
        a section with no version noted by then is new, not changed, and is left out."""
        then = self._rule_versions_on(language, since)
        return sorted(section for section, digest in hashes.items() if section in then and then[section] != digest)

    def earliest_rule_snapshot(self, language: str) -> str | None:
        """The first day a version was noted, to tell how far back ``--since`` can see."""
        return self.db.execute("SELECT min(first_seen) FROM rule_versions WHERE language = ?", [language]).fetchone()[0]


def backup_database(db: sqlite_utils.Database, target: Path) -> None:
    """A consistent copy of a live database (SQLite's online backup: one snapshot)."""
    copy = sqlite3.connect(target)
    try:
        db.conn.backup(copy)
    finally:
        copy.close()
