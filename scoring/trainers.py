"""The trainer role: the passphrase, trainee PINs, attested exams, and the audit log.

Secrets (the trainer's passphrase, a trainee's PIN) are kept only as a random salt, an
scrypt hash and the scrypt parameters; they are compared in constant time. Everything a
trainer changes goes through ``Trainer``, which exists only once the passphrase was
verified, and is written to the append-only audit log in the same transaction as the
change itself. Trainees have no path to a score: nothing outside ``Trainer`` writes one
except the scoring of their own journal.

An exam counts for clearance only when it was *attested*: sat under the trainee's PIN
(``'pin'``) or inside a group session a trainer runs (``'group:<id>'``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from drills.database import Migration
from scoring.records import RecordsError, RecordsStore, Trainee, canonical_json, write_transaction

# OWASP's scrypt setting (N=2^15, r=8, p=3): about 0.2 s and 32 MiB per hash.
SCRYPT_PARAMETERS = {"n": 2**15, "r": 8, "p": 3, "dklen": 32}
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024  # refuses parameters a tampered database might hold
SALT_BYTES = 16
PASSPHRASE_MIN_LENGTH = 8
PIN_PATTERN = re.compile(r"[0-9]{4,12}")
PIN_MAX_FAILURES = 5  # then the PIN is locked until a trainer sets a new one
REASON_MAX_LENGTH = 500
ACTOR = "trainer"


def _create_trainer_tables(db: sqlite_utils.Database) -> None:
    # On the attempt: how an exam was attested, when a trainer deleted it (soft), and the
    # trainer's override of its score; the scorecard itself is never touched.
    db.execute("ALTER TABLE attempts ADD COLUMN attested_by TEXT"
               " CHECK (attested_by IS NULL OR attested_by = 'pin' OR attested_by GLOB 'group:?*')")
    db.execute("ALTER TABLE attempts ADD COLUMN deleted TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN override_score INTEGER CHECK (override_score BETWEEN 0 AND 100)")
    db.execute("ALTER TABLE attempts ADD COLUMN override_passed INTEGER")
    # Partial indexes holding exactly the exams that count: the readiness board reads them
    # (INDEXED BY), so its queries must repeat this WHERE clause word for word.
    counted = "WHERE mode = 'exam' AND status = 'finished' AND attested_by IS NOT NULL AND deleted IS NULL"
    db.execute(f"CREATE INDEX counted_exams_for_board ON attempts"
               f" (drill, trainee_id, ended, score, passed, override_score, override_passed) {counted}")
    db.execute(f"CREATE INDEX counted_exams_by_trainee ON attempts (trainee_id, ended, critical_errors, override_passed) {counted}")
    db.execute("CREATE INDEX unattested_exams ON attempts (trainee_id)"
               " WHERE mode = 'exam' AND status = 'finished' AND attested_by IS NULL AND deleted IS NULL")
    # Subtotals with their attempt, to keep only those of counted exams; replaces the old board indexes.
    db.execute("CREATE INDEX counted_competencies ON competency_results (mode, competency, trainee_id, percent, ended, attempt_id)")
    db.execute("DROP INDEX attempts_for_board")
    db.execute("DROP INDEX competencies_for_board")
    db.execute("""
        CREATE TABLE trainer_passphrase (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            salt BLOB NOT NULL, hash BLOB NOT NULL, parameters TEXT NOT NULL, set_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE trainee_pins (
            trainee_id INTEGER PRIMARY KEY REFERENCES trainees(id),
            salt BLOB NOT NULL, hash BLOB NOT NULL, parameters TEXT NOT NULL, set_at TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("""
        CREATE TABLE manual_clearances (
            id INTEGER PRIMARY KEY,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            granted TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            reason TEXT NOT NULL,
            revoked TEXT
        )""")
    db.execute("CREATE INDEX manual_clearances_by_trainee ON manual_clearances (trainee_id, revoked, valid_from, valid_until)")
    db.execute("""
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            what TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}'
        )""")
    db.execute("CREATE INDEX audit_log_by_time ON audit_log (at, id)")
    for event in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log"
                   " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


TRAINER_MIGRATIONS = [Migration("trainers-0001-passphrase-pins-attestation-audit", _create_trainer_tables)]


# Hashing

@dataclass(frozen=True)
class SecretHash:
    """What is stored of a secret: never the secret itself."""

    salt: bytes
    digest: bytes
    parameters: dict[str, int]


def _scrypt(secret: str, salt: bytes, parameters: dict[str, int]) -> bytes:
    # NFC: the same passphrase typed through different input methods hashes the same.
    normalized = unicodedata.normalize("NFC", secret).encode("utf-8")
    try:
        return hashlib.scrypt(normalized, salt=salt, n=parameters["n"], r=parameters["r"], p=parameters["p"],
                              dklen=parameters["dklen"], maxmem=SCRYPT_MAX_MEMORY)
    except (KeyError, TypeError, ValueError) as error:
        raise RecordsError("credential_damaged", error=str(error)) from None


def hash_secret(secret: str, parameters: dict[str, int] | None = None) -> SecretHash:
    """A fresh random salt and the scrypt hash of ``secret`` under it."""
    parameters = dict(parameters or SCRYPT_PARAMETERS)
    salt = os.urandom(SALT_BYTES)
    return SecretHash(salt, _scrypt(secret, salt, parameters), parameters)


def verify_secret(secret: str, stored: SecretHash) -> bool:
    """Whether ``secret`` hashes to ``stored``, compared in constant time."""
    return hmac.compare_digest(_scrypt(secret, stored.salt, stored.parameters), stored.digest)


def _stored(row: tuple) -> SecretHash:
    return SecretHash(bytes(row[0]), bytes(row[1]), json.loads(row[2]))


# The passphrase

def passphrase_is_set(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM trainer_passphrase WHERE id = 1").fetchone() is not None


def check_passphrase_rules(passphrase: str) -> None:
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise RecordsError("passphrase_too_short", minimum=PASSPHRASE_MIN_LENGTH)


def _verify_passphrase(db: sqlite_utils.Database, passphrase: str) -> None:
    row = db.execute("SELECT salt, hash, parameters FROM trainer_passphrase WHERE id = 1").fetchone()
    if row is None:
        raise RecordsError("no_passphrase")
    if not verify_secret(passphrase, _stored(row)):
        raise RecordsError("wrong_passphrase")


def _save_passphrase(db: sqlite_utils.Database, stored: SecretHash, at: str) -> None:
    db.execute("INSERT OR REPLACE INTO trainer_passphrase (id, salt, hash, parameters, set_at) VALUES (1, ?, ?, ?, ?)",
               [stored.salt, stored.digest, canonical_json(stored.parameters), at])


# The audit log

@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    who: str
    what: str
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "who": self.who, "what": self.what, "details": self.details}


def record_audit(db: sqlite_utils.Database, at: str, what: str, details: dict[str, Any], who: str = ACTOR) -> None:
    """One line of the audit log; call it inside the transaction that makes the change."""
    db.execute("INSERT INTO audit_log (at, who, what, details) VALUES (?, ?, ?, ?)", [at, who, what, canonical_json(details)])


def audit_entries(db: sqlite_utils.Database, since: str | None = None) -> list[AuditEntry]:
    """The audit log, oldest first; ``since`` (a date or timestamp) keeps entries from then on."""
    rows = db.execute("SELECT id, at, who, what, details FROM audit_log WHERE ? IS NULL OR at >= ? ORDER BY at, id",
                      [since, since])
    return [AuditEntry(row[0], row[1], row[2], row[3], json.loads(row[4])) for row in rows]


# How an attempt stands: attested, deleted, overridden

@dataclass(frozen=True)
class AttemptStanding:
    attempt_id: int
    trainee_id: int
    mode: str
    status: str
    score: int | None
    passed: bool | None
    critical_errors: int
    attested_by: str | None
    deleted: str | None
    override_score: int | None
    override_passed: bool | None

    @property
    def effective_score(self) -> int | None:
        return self.score if self.override_score is None else self.override_score

    @property
    def effective_passed(self) -> bool | None:
        return self.passed if self.override_passed is None else self.override_passed


def attempt_standing(db: sqlite_utils.Database, attempt_id: int) -> AttemptStanding:
    row = db.execute("SELECT id, trainee_id, mode, status, score, passed, critical_errors, attested_by, deleted,"
                     " override_score, override_passed FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    if row is None:
        raise RecordsError("unknown_attempt", attempt=attempt_id)
    values = list(row)
    for index in (5, 10):
        values[index] = None if values[index] is None else bool(values[index])
    return AttemptStanding(*values)


def exam_counts(standing: AttemptStanding) -> bool:
    """Whether the attempt counts toward clearance: a finished, attested, undeleted exam.
    The readiness board's queries say the same in SQL (readiness.COUNTED_EXAM)."""
    return (standing.mode == "exam" and standing.status == "finished" and standing.attested_by is not None
            and standing.deleted is None)


def attest_attempt(db: sqlite_utils.Database, attempt_id: int, attested_by: str) -> None:
    """Mark how the attempt was authenticated: ``'pin'`` or ``'group:<session id>'``; once only."""
    if attested_by != "pin" and not re.fullmatch(r"group:\S+", attested_by):
        raise ValueError(f"an attempt is attested by 'pin' or 'group:<id>', not {attested_by!r}")
    with write_transaction(db):
        standing = attempt_standing(db, attempt_id)
        if standing.attested_by not in (None, attested_by):
            raise RecordsError("already_attested", attempt=attempt_id, attested_by=standing.attested_by)
        db.execute("UPDATE attempts SET attested_by = ? WHERE id = ?", [attested_by, attempt_id])


# Trainee PINs

def trainee_has_pin(db: sqlite_utils.Database, trainee: Trainee) -> bool:
    return db.execute("SELECT 1 FROM trainee_pins WHERE trainee_id = ?", [trainee.id]).fetchone() is not None


def check_pin_rules(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin):
        raise RecordsError("pin_invalid")


def verify_pin(db: sqlite_utils.Database, trainee: Trainee, pin: str) -> None:
    """Raise unless ``pin`` is the trainee's PIN; after PIN_MAX_FAILURES wrong ones it is locked."""
    row = db.execute("SELECT salt, hash, parameters, failures FROM trainee_pins WHERE trainee_id = ?", [trainee.id]).fetchone()
    if row is None:
        raise RecordsError("no_pin", name=trainee.name)
    if row[3] >= PIN_MAX_FAILURES:
        raise RecordsError("pin_locked", name=trainee.name)
    right = verify_secret(pin, _stored(row))
    with write_transaction(db):
        db.execute("UPDATE trainee_pins SET failures = CASE WHEN ? THEN 0 ELSE failures + 1 END WHERE trainee_id = ?",
                   [int(right), trainee.id])
    if not right:
        raise RecordsError("pin_wrong", name=trainee.name)


def sit_exam_with_pin(records: RecordsStore, trainee: Trainee, pin: str, drill_file, policy, seed: int):
    """Start an exam sitting under the trainee's PIN: checked first, then the attempt is attested.
    Returns a ``scoring.sitting.Sitting``; the app and ``drill run`` start exams through here."""
    from scoring.sitting import Sitting  # the sitting pulls in scoring; only exams need it here

    verify_pin(records.db, trainee, pin)
    sitting = Sitting.start(records, trainee, drill_file, policy, seed, "exam")
    attest_attempt(records.db, sitting.attempt_id, "pin")
    return sitting


# The trainer

def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RecordsError("reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise RecordsError("reason_too_long", maximum=REASON_MAX_LENGTH)
    return reason


class Trainer:
    """Every change a trainer may make; made only by ``sign_in`` or ``set_first_passphrase``."""

    def __init__(self, records: RecordsStore, _proof: object) -> None:
        if _proof is not _SIGNED_IN:
            raise TypeError("a Trainer comes from Trainer.sign_in, after the passphrase")
        self.records = records
        self.db = records.db
        self._wall_clock = records._wall_clock

    @classmethod
    def sign_in(cls, records: RecordsStore, passphrase: str) -> Trainer:
        _verify_passphrase(records.db, passphrase)
        return cls(records, _SIGNED_IN)

    @classmethod
    def set_first_passphrase(cls, records: RecordsStore, passphrase: str) -> Trainer:
        """Set the passphrase when there is none yet (first use)."""
        check_passphrase_rules(passphrase)
        stored = hash_secret(passphrase)  # outside the write lock: it takes a while
        at = records._wall_clock()
        with write_transaction(records.db):
            if passphrase_is_set(records.db):
                raise RecordsError("passphrase_already_set")
            _save_passphrase(records.db, stored, at)
            record_audit(records.db, at, "passphrase_set", {})
        return cls(records, _SIGNED_IN)

    def audit(self, what: str, **details: Any) -> None:
        """One line of the audit log, inside the caller's transaction."""
        record_audit(self.db, self._wall_clock(), what, details)

    def change_passphrase(self, new: str) -> None:
        check_passphrase_rules(new)
        stored = hash_secret(new)
        with write_transaction(self.db):
            _save_passphrase(self.db, stored, self._wall_clock())
            self.audit("passphrase_changed")

    # Trainees and cohorts

    def _cohort_id(self, name: str | None) -> int | None:
        name = (name or "").strip()
        if not name:
            return None
        row = self.db.execute("SELECT id FROM cohorts WHERE name = ?", [name]).fetchone()
        if row:
            return row[0]
        return self.db.execute("INSERT INTO cohorts (name, created) VALUES (?, ?)", [name, self._wall_clock()]).lastrowid

    def insert_trainee(self, name: str, unit: str, cohort: str | None) -> None:
        """Inside the caller's transaction (an import adds many at once)."""
        if self.db.execute("SELECT 1 FROM trainees WHERE name = ?", [name]).fetchone():
            raise RecordsError("trainee_exists", name=name)
        self.db.execute("INSERT INTO trainees (name, unit, cohort_id, created) VALUES (?, ?, ?, ?)",
                        [name, unit, self._cohort_id(cohort), self._wall_clock()])

    def add_trainee(self, name: str, unit: str = "", cohort: str | None = None) -> Trainee:
        name, unit, cohort = name.strip(), unit.strip(), (cohort or "").strip() or None
        if not name:
            raise RecordsError("trainee_name_empty")
        with write_transaction(self.db):
            self.insert_trainee(name, unit, cohort)
            self.audit("trainee_added", trainee=name, unit=unit, cohort=cohort)
        return self.records.require_trainee(name)

    def edit_trainee(self, name: str, *, new_name: str | None = None, unit: str | None = None,
                     cohort: str | None = None) -> Trainee:
        """Change a trainee's name, unit or cohort (``cohort=''`` takes them out of any cohort)."""
        with write_transaction(self.db):
            before = self.records.require_trainee(name)
            after = {"name": before.name if new_name is None else new_name.strip(),
                     "unit": before.unit if unit is None else unit.strip(),
                     "cohort": before.cohort if cohort is None else (cohort.strip() or None)}
            if not after["name"]:
                raise RecordsError("trainee_name_empty")
            if after["name"] != before.name and self.db.execute("SELECT 1 FROM trainees WHERE name = ?", [after["name"]]).fetchone():
                raise RecordsError("trainee_exists", name=after["name"])
            was = {"name": before.name, "unit": before.unit, "cohort": before.cohort}
            if after == was:
                raise RecordsError("nothing_to_change", name=before.name)
            self.db.execute("UPDATE trainees SET name = ?, unit = ?, cohort_id = ? WHERE id = ?",
                            [after["name"], after["unit"], self._cohort_id(after["cohort"]), before.id])
            self.audit("trainee_edited", trainee=before.name,
                       changes={key: [was[key], after[key]] for key in was if was[key] != after[key]})
        return self.records.require_trainee(after["name"])

    def set_archived(self, name: str, archived: bool) -> None:
        with write_transaction(self.db):
            trainee = self.records.require_trainee(name)
            if trainee.archived == archived:
                raise RecordsError("already_archived" if archived else "not_archived", name=trainee.name)
            self.db.execute("UPDATE trainees SET archived = ? WHERE id = ?", [int(archived), trainee.id])
            self.audit("trainee_archived" if archived else "trainee_restored", trainee=trainee.name)

    # PINs

    def set_pin(self, name: str, pin: str) -> None:
        check_pin_rules(pin)
        stored = hash_secret(pin)
        with write_transaction(self.db):
            trainee = self.records.require_trainee(name)
            self.db.execute("INSERT OR REPLACE INTO trainee_pins (trainee_id, salt, hash, parameters, set_at, failures)"
                            " VALUES (?, ?, ?, ?, ?, 0)",
                            [trainee.id, stored.salt, stored.digest, canonical_json(stored.parameters), self._wall_clock()])
            self.audit("pin_set", trainee=trainee.name)

    def remove_pin(self, name: str) -> None:
        with write_transaction(self.db):
            trainee = self.records.require_trainee(name)
            if not self.db.execute("DELETE FROM trainee_pins WHERE trainee_id = ?", [trainee.id]).rowcount:
                raise RecordsError("no_pin", name=trainee.name)
            self.audit("pin_removed", trainee=trainee.name)

    # Attempts: overrides and deletions

    def _attempt_facts(self, attempt_id: int) -> tuple[AttemptStanding, dict[str, Any]]:
        standing = attempt_standing(self.db, attempt_id)
        drill, name = self.db.execute("SELECT a.drill, t.name FROM attempts a JOIN trainees t ON t.id = a.trainee_id"
                                      " WHERE a.id = ?", [attempt_id]).fetchone()
        return standing, {"attempt": attempt_id, "trainee": name, "drill": drill}

    def override_score(self, attempt_id: int, score: int, reason: str, passed: bool | None = None) -> AttemptStanding:
        """Replace the attempt's score (and pass or fail) for readiness; the scorecard stays as scored.
        Without ``passed``: passed when the score reaches the pass mark and there was no critical error."""
        reason = _reason(reason)
        if not 0 <= score <= 100:
            raise RecordsError("score_out_of_range", score=score)
        with write_transaction(self.db):
            standing, facts = self._attempt_facts(attempt_id)
            if standing.deleted is not None:
                raise RecordsError("attempt_deleted", attempt=attempt_id)
            if standing.status != "finished" or standing.score is None:
                raise RecordsError("attempt_not_finished", attempt=attempt_id)
            if passed is None:
                card = self.records.require_attempt(attempt_id).scorecard or {}
                passed = score >= card.get("pass_mark", 0) and not standing.critical_errors
            self.db.execute("UPDATE attempts SET override_score = ?, override_passed = ? WHERE id = ?",
                            [score, int(passed), attempt_id])
            self.audit("score_overridden", **facts, scored={"score": standing.score, "passed": standing.passed},
                        previous_override=None if standing.override_score is None else
                        {"score": standing.override_score, "passed": standing.override_passed},
                        score=score, passed=passed, reason=reason)
        return attempt_standing(self.db, attempt_id)

    def remove_override(self, attempt_id: int, reason: str) -> None:
        reason = _reason(reason)
        with write_transaction(self.db):
            standing, facts = self._attempt_facts(attempt_id)
            if standing.override_score is None:
                raise RecordsError("no_override", attempt=attempt_id)
            self.db.execute("UPDATE attempts SET override_score = NULL, override_passed = NULL WHERE id = ?", [attempt_id])
            self.audit("override_removed", **facts, removed={"score": standing.override_score, "passed": standing.override_passed},
                        score=standing.score, passed=standing.passed, reason=reason)

    def delete_attempt(self, attempt_id: int, reason: str) -> None:
        """Soft deletion: the attempt and its journal stay, readiness no longer counts it."""
        reason = _reason(reason)
        with write_transaction(self.db):
            standing, facts = self._attempt_facts(attempt_id)
            if standing.deleted is not None:
                raise RecordsError("attempt_deleted", attempt=attempt_id)
            self.db.execute("UPDATE attempts SET deleted = ? WHERE id = ?", [self._wall_clock(), attempt_id])
            self.audit("attempt_deleted", **facts, score=standing.effective_score, reason=reason)

    def restore_attempt(self, attempt_id: int, reason: str) -> None:
        reason = _reason(reason)
        with write_transaction(self.db):
            standing, facts = self._attempt_facts(attempt_id)
            if standing.deleted is None:
                raise RecordsError("attempt_not_deleted", attempt=attempt_id)
            self.db.execute("UPDATE attempts SET deleted = NULL WHERE id = ?", [attempt_id])
            self.audit("attempt_restored", **facts, deleted_on=standing.deleted, reason=reason)

    # Clearance by hand

    def clear_by_hand(self, name: str, until: datetime.date, reason: str) -> None:
        """Cleared for duty from today to ``until`` (inclusive), whatever the exams say."""
        reason = _reason(reason)
        now = self._wall_clock()
        if until.isoformat() < now[:10]:
            raise RecordsError("clearance_in_past", until=until.isoformat())
        with write_transaction(self.db):
            trainee = self.records.require_trainee(name)
            if trainee.archived:
                raise RecordsError("trainee_archived", name=trainee.name)
            self.db.execute("INSERT INTO manual_clearances (trainee_id, granted, valid_from, valid_until, reason)"
                            " VALUES (?, ?, ?, ?, ?)", [trainee.id, now, now[:10], until.isoformat(), reason])
            self.audit("cleared_by_hand", trainee=trainee.name, valid_from=now[:10], valid_until=until.isoformat(), reason=reason)

    def revoke_clearance(self, name: str, reason: str) -> None:
        """Withdraw every clearance by hand that still runs (the exams still count)."""
        reason = _reason(reason)
        now = self._wall_clock()
        with write_transaction(self.db):
            trainee = self.records.require_trainee(name)
            revoked = self.db.execute("UPDATE manual_clearances SET revoked = ? WHERE trainee_id = ? AND revoked IS NULL"
                                      " AND valid_until >= ?", [now, trainee.id, now[:10]]).rowcount
            if not revoked:
                raise RecordsError("no_clearance", name=trainee.name)
            self.audit("clearance_revoked", trainee=trainee.name, reason=reason)


_SIGNED_IN = object()
