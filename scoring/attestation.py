"""How an attempt stands: attested or not, deleted, overridden; and whether it counts.

An exam counts for clearance only when it was *attested*: sat under the trainee's PIN
(``'pin'``) or inside a group session a trainer runs (``'group:<id>'``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from scoring.credentials import verify_pin
from scoring.records import RecordsError, RecordsStore, Trainee, write_transaction


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


def sit_exam_with_pin(records: RecordsStore, trainee: Trainee, pin: str, drill_file, policy, seed: int):
    """Start an exam sitting under the trainee's PIN: checked first, then the attempt is attested.
    Returns a ``scoring.sitting.Sitting``; the app and ``drill run`` start exams through here."""
    from scoring.sitting import Sitting  # the sitting pulls in scoring; only exams need it here

    verify_pin(records.db, trainee, pin)
    sitting = Sitting.start(records, trainee, drill_file, policy, seed, "exam")
    attest_attempt(records.db, sitting.attempt_id, "pin")
    return sitting
