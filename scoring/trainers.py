"""The trainer role: every change a trainer may make, and the audit log of it.

Everything a trainer changes goes through ``Trainer``, which exists only once the
passphrase was verified, and is written to the append-only audit log in the same
transaction as the change itself. Trainees have no path to a score: nothing outside
``Trainer`` writes one except the scoring of their own journal.

The rest of the role lives beside it: secrets in ``scoring.credentials``, the audit log in
``scoring.audit``, how an attempt stands and counts in ``scoring.attestation``, the tables
in ``scoring.trainer_schema``. ``Trainer`` and ``passphrase_is_set`` are imported from here.
"""

from __future__ import annotations

import datetime
from typing import Any

from drills.policy import Policy
from scoring.attestation import AttemptStanding, attempt_standing
from scoring.audit import record_audit
from scoring.credentials import (
    check_passphrase_rules,
    check_pin_rules,
    hash_secret,
    passphrase_is_set,
    save_passphrase,
    save_pin,
    verify_passphrase,
)
from scoring.records import RecordsError, RecordsStore, Trainee, write_transaction
from scoring.rescore import Rescore

REASON_MAX_LENGTH = 500


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
        verify_passphrase(records.db, passphrase)
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
            save_passphrase(records.db, stored, at)
            record_audit(records.db, at, "passphrase_set", {})
        return cls(records, _SIGNED_IN)

    def audit(self, what: str, **details: Any) -> None:
        """One line of the audit log, inside the caller's transaction."""
        record_audit(self.db, self._wall_clock(), what, details)

    def change_passphrase(self, new: str) -> None:
        check_passphrase_rules(new)
        stored = hash_secret(new)
        with write_transaction(self.db):
            save_passphrase(self.db, stored, self._wall_clock())
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
            save_pin(self.db, trainee, stored, self._wall_clock())
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

    def save_rescore(self, result: Rescore, policy: Policy) -> None:
        """Keep a re-score (``scoring.rescore``) in place of the stored scorecard; the audit log
        says what moved: the score, the pass, and each finding's status and points."""
        attempt = result.attempt
        with write_transaction(self.db):  # the new scorecard and its audit line commit together
            _, facts = self._attempt_facts(attempt.id)
            self.records.replace_scorecard(attempt.id, result.scorecard, policy)
            self.audit("attempt_rescored", **facts,
                       before={"score": attempt.score, "passed": attempt.passed},
                       after={"score": result.scorecard.score, "passed": result.scorecard.passed},
                       findings=[{"finding": change.finding,
                                  "before": None if change.status_before is None else
                                  {"status": change.status_before, "points": change.points_before},
                                  "after": None if change.status_after is None else
                                  {"status": change.status_after, "points": change.points_after}}
                                 for change in result.findings],
                       changed_rules=result.changed_rules, policy_changed=result.policy_changed)

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
