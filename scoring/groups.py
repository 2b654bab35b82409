"""Study-day group drills: one trainer, one drill, one shared clock, a room of trainees.

A group session lives in the database so that every trainee's process on the machine
reads the same state. The session row holds the wall-clock instant the drill started,
the paused time so far, the speed and the clock's total forward shift; from these
``drill_seconds_at`` tells the drill time anyone should be at. What the trainer does
(pause, resume, shift the clock, fire an inject) is appended to ``group_events``; each
trainee's ``GroupSitting`` applies those events to its own drill, in order, and then runs
the drill up to the shared time. A shift forward moves the shared clock on; a shift back
postpones what is still to come (the engine's ``shift_clock``) and leaves the clock alone.

Wall times are seconds since the epoch and always come from the caller: nothing here
reads the clock.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import sqlite_utils

from drills.catalog import DrillFile
from drills.database import Migration
from drills.engine import ActionOutcome, ActionRefused
from drills.policy import Policy
from drills.scenario import Scenario
from knowledge.rulebook import cached_rulebook
from scoring.records import RecordsError, RecordsStore, Trainee, canonical_json, open_records, write_transaction
from scoring.sitting import Sitting
from scoring.attestation import attest_attempt
from scoring.trainers import Trainer
from scoring.write_queue import WriterQueue

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud across a room
CODE_LENGTH = 6
STATES = ("waiting", "running", "paused", "closed")
SHIFT_MINUTES = (-5, -1, 1, 5)


def _create_group_tables(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE group_sessions (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL,
            drill TEXT NOT NULL,
            language TEXT NOT NULL,
            scenario_hash TEXT NOT NULL REFERENCES scenario_versions(hash),
            seed INTEGER NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'exam')),
            speed REAL NOT NULL CHECK (speed > 0),
            state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'running', 'paused', 'closed')),
            started_wall REAL,
            paused_total REAL NOT NULL DEFAULT 0,
            paused_since REAL,
            shift_seconds REAL NOT NULL DEFAULT 0,
            closed_wall REAL,
            opened TEXT NOT NULL
        )""")
    db.execute("CREATE UNIQUE INDEX group_sessions_open_code ON group_sessions (code) WHERE state != 'closed'")
    db.execute("""
        CREATE TABLE group_events (
            session_id INTEGER NOT NULL REFERENCES group_sessions(id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('pause', 'resume', 'shift', 'fire')),
            drill_seconds REAL NOT NULL,
            data TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (session_id, seq)
        )""")
    db.execute("""
        CREATE TABLE group_members (
            session_id INTEGER NOT NULL REFERENCES group_sessions(id),
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            attempt_id INTEGER NOT NULL UNIQUE REFERENCES attempts(id),
            applied_seq INTEGER NOT NULL DEFAULT 0,
            joined TEXT NOT NULL,
            PRIMARY KEY (session_id, trainee_id)
        )""")


GROUP_MIGRATIONS = [Migration("groups-0001-sessions-events-members", _create_group_tables)]


def open_group_records(path: Path) -> sqlite_utils.Database:
    """The records database, opened in turn: a room of trainees opens it at once, and each
    migration check is a write transaction."""
    with WriterQueue(path).turn():
        return open_records(path)


@dataclass(frozen=True)
class GroupSession:
    id: int
    code: str
    drill: str
    language: str
    scenario_hash: str
    seed: int
    mode: str
    speed: float
    state: str
    started_wall: float | None
    paused_total: float
    paused_since: float | None
    shift_seconds: float
    closed_wall: float | None
    opened: str

    @property
    def attestation(self) -> str:
        return f"group:{self.id}"


@dataclass(frozen=True)
class GroupEvent:
    seq: int
    kind: str
    drill_seconds: float
    data: dict[str, Any]


def drill_seconds_at(session: GroupSession, wall_time: float) -> float:
    """The drill time everyone in the session should be at, at ``wall_time``."""
    if session.started_wall is None:
        return 0.0
    stopped = session.closed_wall if session.state == "closed" else None
    until = session.paused_since if session.paused_since is not None else stopped if stopped is not None else wall_time
    running = max(0.0, until - session.started_wall - session.paused_total)
    return round(running * session.speed + session.shift_seconds, 3)


def new_code(taken: set[str], choose: Callable[[str], str] = secrets.choice) -> str:
    """A join code not among ``taken`` (the codes of open sessions)."""
    while True:
        code = "".join(choose(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


# Reading sessions

def _session(row: tuple | None) -> GroupSession | None:
    return GroupSession(*row) if row else None


def session_by_id(db: sqlite_utils.Database, session_id: int) -> GroupSession:
    found = _session(db.execute("SELECT * FROM group_sessions WHERE id = ?", [session_id]).fetchone())
    if found is None:
        raise RecordsError("group_unknown", join_code=session_id)
    return found


def session_by_code(db: sqlite_utils.Database, code: str) -> GroupSession:
    """The open session with this code, else the latest closed one; ``RecordsError`` if none."""
    row = db.execute("SELECT * FROM group_sessions WHERE code = ? ORDER BY state = 'closed', id DESC LIMIT 1",
                     [code.strip().upper()]).fetchone()
    if row is None:
        raise RecordsError("group_unknown", join_code=code)
    return GroupSession(*row)


def session_events(db: sqlite_utils.Database, session_id: int, after: int = 0) -> list[GroupEvent]:
    rows = db.execute("SELECT seq, kind, drill_seconds, data FROM group_events WHERE session_id = ? AND seq > ? ORDER BY seq",
                      [session_id, after]).fetchall()
    return [GroupEvent(seq, kind, at, json.loads(data)) for seq, kind, at, data in rows]


def session_drill_file(db: sqlite_utils.Database, session: GroupSession) -> DrillFile:
    """The drill exactly as the session opened it (its stored snapshot), whatever the library holds now."""
    scenario = db.execute("SELECT scenario FROM scenario_versions WHERE hash = ?", [session.scenario_hash]).fetchone()[0]
    return DrillFile(Path(f"group-{session.id}"), Scenario.model_validate_json(scenario), session.scenario_hash, False)


# The trainer's side

def open_session(trainer: Trainer, drill_file: DrillFile, seed: int, mode: str, speed: float | None = None,
                 choose: Callable[[str], str] = secrets.choice) -> GroupSession:
    """A waiting session with a fresh join code; the drill is snapshotted for every trainee."""
    if mode not in ("practice", "exam"):
        raise ValueError(f"unknown mode {mode!r}")
    scenario, db = drill_file.scenario, trainer.db
    with write_transaction(db):
        taken = {row[0] for row in db.execute("SELECT code FROM group_sessions WHERE state != 'closed'")}
        code = new_code(taken, choose)
        db.execute("INSERT OR IGNORE INTO scenario_versions (hash, drill, language, scenario) VALUES (?, ?, ?, ?)",
                   [drill_file.content_hash, scenario.id, scenario.language, scenario.model_dump_json()])
        session_id = db.execute(
            "INSERT INTO group_sessions (code, drill, language, scenario_hash, seed, mode, speed, opened)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [code, scenario.id, scenario.language, drill_file.content_hash, seed, mode, speed or scenario.speed,
             trainer.records._wall_clock()]).lastrowid
        trainer.audit("group_opened", session=session_id, code=code, drill=scenario.id, seed=seed, mode=mode)
    return session_by_id(db, session_id)


def _control(trainer: Trainer, session_id: int, allowed: tuple[str, ...], change: Callable[[GroupSession], None]) -> GroupSession:
    # In the trainees' queue: a trainee holding its turn must never wait on SQLite's retries for us.
    with WriterQueue.of(trainer.db).turn(), write_transaction(trainer.db):
        session = session_by_id(trainer.db, session_id)
        if session.state not in allowed:
            raise RecordsError(f"group_{session.state}", join_code=session.code)
        change(session)
    return session_by_id(trainer.db, session_id)


def _append_event(db: sqlite_utils.Database, session: GroupSession, kind: str, at: float, **data: Any) -> None:
    seq = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM group_events WHERE session_id = ?", [session.id]).fetchone()[0]
    db.execute("INSERT INTO group_events (session_id, seq, kind, drill_seconds, data) VALUES (?, ?, ?, ?, ?)",
               [session.id, seq, kind, at, canonical_json(data)])


def start_session(trainer: Trainer, session_id: int, wall_time: float) -> GroupSession:
    """Everyone's clock starts now, at drill second 0."""
    def start(session: GroupSession) -> None:
        trainer.db.execute("UPDATE group_sessions SET state = 'running', started_wall = ? WHERE id = ?", [wall_time, session.id])
    return _control(trainer, session_id, ("waiting",), start)


def pause_session(trainer: Trainer, session_id: int, wall_time: float) -> GroupSession:
    def pause(session: GroupSession) -> None:
        _append_event(trainer.db, session, "pause", drill_seconds_at(session, wall_time))
        trainer.db.execute("UPDATE group_sessions SET state = 'paused', paused_since = ? WHERE id = ?", [wall_time, session.id])
    return _control(trainer, session_id, ("running",), pause)


def resume_session(trainer: Trainer, session_id: int, wall_time: float) -> GroupSession:
    def resume(session: GroupSession) -> None:
        _append_event(trainer.db, session, "resume", drill_seconds_at(session, wall_time))
        trainer.db.execute("UPDATE group_sessions SET state = 'running', paused_since = NULL,"
                           " paused_total = paused_total + (? - paused_since) WHERE id = ?", [wall_time, session.id])
    return _control(trainer, session_id, ("paused",), resume)


def shift_session(trainer: Trainer, session_id: int, minutes: int, wall_time: float) -> GroupSession:
    """±1 or ±5 minutes: forward runs everyone's clock on, back postpones what is to come."""
    if minutes not in SHIFT_MINUTES:
        raise RecordsError("group_shift_minutes", minutes=minutes)

    def shift(session: GroupSession) -> None:
        _append_event(trainer.db, session, "shift", drill_seconds_at(session, wall_time), minutes=minutes)
        trainer.db.execute("UPDATE group_sessions SET shift_seconds = shift_seconds + ? WHERE id = ?",
                           [max(0, minutes) * 60.0, session.id])
    return _control(trainer, session_id, ("running", "paused"), shift)


def fire_inject(trainer: Trainer, session_id: int, inject_id: str, wall_time: float) -> GroupSession:
    """Deliver an inject to everyone now (to those who join later, at the same drill time)."""
    # Checked before taking the trainees' queue: parsing the drill's snapshot takes a while,
    # and a session's snapshot never changes.
    drill_file = session_drill_file(trainer.db, session_by_id(trainer.db, session_id))
    if inject_id not in {inject.id for inject in drill_file.scenario.injects}:
        raise RecordsError("group_unknown_inject", inject=inject_id)

    def fire(session: GroupSession) -> None:
        _append_event(trainer.db, session, "fire", drill_seconds_at(session, wall_time), inject=inject_id)
    return _control(trainer, session_id, ("running", "paused"), fire)


def close_session(trainer: Trainer, session_id: int, wall_time: float) -> GroupSession:
    """No more joining or acting; each trainee's next sync scores and closes their attempt."""
    def close(session: GroupSession) -> None:
        trainer.db.execute("UPDATE group_sessions SET state = 'closed', closed_wall = ? WHERE id = ?", [wall_time, session.id])
        trainer.audit("group_closed", session=session.id, code=session.code)
    return _control(trainer, session_id, ("waiting", "running", "paused"), close)


# The trainee's side

class GroupSitting:
    """A trainee's sitting kept on the session's shared clock by ``sync``.

    Its journal is not written entry by entry: thirty trainees acting at the same drill
    second would queue for thirty times as many commits. What the drill logs is held and
    committed together by ``commit`` (with other trainees', ``WriterQueue``): every action before
    ``act`` returns, the trainer's events together with the note that they were applied, and
    the engine's own entries (calls ringing, deadlines passing) with the next action or at
    the next ``sync`` at the latest. A crash can lose only those last, and replaying the
    journal on rejoining brings them back the same, as the drill is deterministic.
    """

    def __init__(self, sitting: Sitting, session: GroupSession, applied: int, writers: WriterQueue) -> None:
        self.sitting = sitting
        self.session = session
        self.applied = applied  # the last session event applied to this trainee's drill
        self.closed = False
        self.writers = writers
        run_id = sitting.records.require_attempt(sitting.attempt_id).run_id
        self.pending = sitting.records.journal.pending(run_id)
        sitting.drill.attach(self.pending)

    @property
    def drill(self):
        return self.sitting.drill

    def commit(self, applied: int | None = None) -> int:
        """Put the entries held since the last commit (and the last event applied, if given)
        on disk, in one transaction with other trainees' writes; how many entries that was."""
        rows = self.pending.rows
        self.writers.commit_journal(self.sitting.records.db, rows, None if applied is None else (applied, self.sitting.attempt_id))
        self.pending.clear()
        return len(rows)

    def sync(self, wall_time: float) -> float:
        """Apply the trainer's new events in order, then run the drill to the shared time.
        When the drill ends or the trainer closes the session, the attempt is scored and closed."""
        if self.closed:
            return self.drill.now
        db = self.sitting.records.db
        self.session = session_by_id(db, self.session.id)
        events = session_events(db, self.session.id, self.applied)
        for event in events:
            if not self.drill.ended:
                self.drill.run_until(event.drill_seconds)
                self._apply(event)
        # The events and the note that they were applied commit together: a rejoin never applies one twice.
        if events:
            self.commit(events[-1].seq)
            self.applied = events[-1].seq
        elif len(self.pending):
            self.commit()  # what the last look logged and no action carried: the live status lags one look at most
        self.drill.run_until(drill_seconds_at(self.session, wall_time))
        if self.drill.ended or self.session.state == "closed":
            self._close()
        return self.drill.now

    def _apply(self, event: GroupEvent) -> None:
        if event.kind == "pause":
            self.drill.pause()
        elif event.kind == "resume":
            self.drill.resume()
        elif event.kind == "shift":
            self.drill.shift_clock(event.data["minutes"])
        elif event.kind == "fire":
            try:
                self.drill.trigger_now(event.data["inject"])
            except ActionRefused:
                pass  # this trainee has it already: the trainer's aim is met

    def _close(self) -> None:
        status = "finished" if self.drill.ended else "interrupted"
        scorecard = self.sitting.scorecard()
        try:
            with self.writers.turn():
                self.commit()
                self.sitting.records.finish_attempt(self.sitting.attempt_id, scorecard, status)
        except RecordsError as error:
            if error.code != "run_not_running":
                raise
        self.closed = True

    def act(self, action) -> ActionOutcome:
        """A trainee's action, refused while the session waits, is paused or is over."""
        if self.closed or self.session.state != "running":
            raise ActionRefused(f"the group drill is {'closed' if self.closed else self.session.state}")
        outcome = self.sitting.act(action)
        self.commit()  # acknowledged only once it is on disk
        return outcome


def join_session(records: RecordsStore, code: str, trainee_name: str, policy: Policy, wall_time: float) -> GroupSitting:
    """Join (or rejoin after a drop-out) with the join code, brought to the shared drill time.

    A new member gets an attempt with the session's seed and mode, attested ``group:<id>``;
    a member who rejoins resumes their attempt from its journal.
    """
    db = records.db
    writers = WriterQueue.of(db)
    session = session_by_code(db, code)
    trainee: Trainee = records.require_trainee(trainee_name)
    drill_file = session_drill_file(db, session)
    member = db.execute("SELECT attempt_id, applied_seq FROM group_members WHERE session_id = ? AND trainee_id = ?",
                        [session.id, trainee.id]).fetchone()
    if member is not None:
        attempt = records.require_attempt(member[0])
        if attempt.status != "running":
            raise RecordsError("group_already_sat", name=trainee.name, attempt=attempt.id, join_code=session.code)
        sitting = Sitting.resume(records, attempt, drill_file, policy)
        sitting.drill.paused = session.state == "paused"  # pauses are not replayed; the session says
        group = GroupSitting(sitting, session, member[1], writers)
    else:
        if session.state == "closed":
            raise RecordsError("group_closed", join_code=session.code)
        with writers.turn():
            sitting = Sitting.start(records, trainee, drill_file, policy, session.seed, session.mode)
            attest_attempt(db, sitting.attempt_id, session.attestation)
            with write_transaction(db):
                db.execute("INSERT INTO group_members (session_id, trainee_id, attempt_id, joined) VALUES (?, ?, ?, ?)",
                           [session.id, trainee.id, sitting.attempt_id, records._wall_clock()])
        group = GroupSitting(sitting, session, 0, writers)
    # Read the rulebook now, not when the drill ends: then thirty processes would parse it at
    # once and starve the room's last journal writes of the CPU.
    cached_rulebook(drill_file.scenario.language)
    group.sync(wall_time)
    return group
