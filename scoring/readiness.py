"""Cleared for duty: who may be put on the roster, judged by the office's readiness policy.

A trainee is cleared when, counting only the exams that count — finished, attested (sat
under the trainee's PIN or in a trainer's group session) and not deleted by a trainer —
- each required drill (or, if none is listed, any drill) has a qualifying pass — the
  attempt passed and scored at least ``minimum_score`` — within ``valid_days``,
- each required competency reached its percent in some exam within ``valid_days``,
- none of the last ``critical_free_exams`` exams has a critical error.
The clearance runs out ``valid_days`` after the oldest of the passes it rests on. When the
only thing missing is a pass that has grown too old, the trainee is *expired*, not *not yet*.
A trainer's score override stands in for the scorecard's score and pass (an override to a
pass also waives the attempt's critical errors), and a trainer's clearance by hand clears
the trainee until its date whatever the exams say.

What is missing comes back as coded reasons the interface words in either language.
"Today" is a parameter: nothing here reads the clock.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from pydantic import BaseModel, ConfigDict, Field

from drills.locations import RULEBOOK, data_home
from drills.policy import read_mapping, validated
from drills.scenario import Competency, Identifier

DEFAULT_READINESS = RULEBOOK / "readiness.yaml"
ANY_DRILL = "*"  # the requirement when no drill is named: a pass in any drill
# The exams that count (scoring.attestation.exam_counts); the partial indexes the board reads
# are made with this same clause, so it must not change without a migration.
COUNTED_EXAM = "mode = 'exam' AND status = 'finished' AND attested_by IS NOT NULL AND deleted IS NULL"
UNATTESTED_EXAM = "mode = 'exam' AND status = 'finished' AND attested_by IS NULL AND deleted IS NULL"


class ReadinessPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minimum_score: int = Field(default=80, ge=0, le=100)
    required_drills: list[Identifier] = Field(default_factory=list)
    required_competencies: dict[Competency, int] = Field(default_factory=dict)
    critical_free_exams: int = Field(default=3, ge=0, le=100)
    valid_days: int = Field(default=365, ge=1, le=3650)
    notice_days: int = Field(default=30, ge=0, le=365)  # a clearance this close to its end is "expiring soon"


class ReadinessPolicyError(Exception):
    """A readiness policy file that cannot be used; the message names the file and the field."""


def readiness_override() -> Path:
    return data_home() / "readiness.yaml"


def load_readiness_policy(defaults: Path = DEFAULT_READINESS, override: Path | None = None) -> ReadinessPolicy:
    """The shipped readiness policy with an office's file applied over it, key by key."""
    data = read_mapping(defaults, ReadinessPolicyError, "readiness policy")
    source = defaults
    if override is not None and override.exists():
        data = {**data, **read_mapping(override, ReadinessPolicyError, "readiness policy")}
        source = override
    return validated(ReadinessPolicy, data, source, ReadinessPolicyError)


@dataclass(frozen=True)
class Reason:
    """Something missing for clearance: a stable code and the values the wording needs."""

    code: str  # no_exam | exams_unattested | clearance_expired | drill_not_passed | drill_expired | competency_untested | competency_below | competency_expired | critical_error
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.code.endswith("_expired")


@dataclass(frozen=True)
class Readiness:
    trainee_id: int
    name: str
    unit: str
    cohort: str | None
    status: str  # cleared | not_yet | expired
    valid_until: datetime.date | None  # the last day the clearance holds (or held, when expired)
    last_exam: str | None
    reasons: tuple[Reason, ...] = ()
    cleared_by_hand: dict[str, str] | None = None  # valid_from, valid_until, reason of a clearance by hand in force
    expires_soon: bool = False  # cleared, but for no more than the policy's notice days

    def as_dict(self) -> dict[str, Any]:
        entry = {
            "trainee": self.name, "unit": self.unit, "cohort": self.cohort, "status": self.status,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "last_exam": self.last_exam,
            "missing": [{"code": reason.code, **reason.details} for reason in self.reasons],
        }
        if self.cleared_by_hand:
            entry["cleared_by_hand"] = self.cleared_by_hand
        if self.expires_soon:
            entry["expires_soon"] = True
        return entry


@dataclass
class _Evidence:
    """For one requirement of one trainee: the newest date it was met, and the best result."""

    last_met: str | None = None
    best_recent: float | None = None
    best_ever: float | None = None


def readiness_board(db: sqlite_utils.Database, policy: ReadinessPolicy, today: datetime.date,
                    cohort: str | None = None) -> list[Readiness]:
    """Every current (not archived) trainee's readiness on ``today``, by name."""
    window_start = (today - datetime.timedelta(days=policy.valid_days)).isoformat()
    drills = _drill_evidence(db, policy, window_start)
    competencies = _competency_evidence(db, policy, window_start)
    exams = _recent_exams(db, policy.critical_free_exams)
    unattested = dict(db.execute(f"SELECT trainee_id, count(*) FROM attempts INDEXED BY unattested_exams"
                                 f" WHERE {UNATTESTED_EXAM} GROUP BY trainee_id").fetchall())
    by_hand = _clearances_by_hand(db, today)
    where, values = "NOT t.archived", []
    if cohort:
        where += " AND c.name = ?"
        values.append(cohort)
    rows = db.execute(f"SELECT t.id, t.name, t.unit, c.name FROM trainees t LEFT JOIN cohorts c ON c.id = t.cohort_id"
                      f" WHERE {where} ORDER BY t.name", values)
    board = [_by_hand(today, by_hand.get(row[0]), _judge(policy, window_start, row, drills, competencies, exams,
                                                        unattested.get(row[0], 0)))
             for row in rows]
    return [_with_notice(entry, today, policy.notice_days) for entry in board]


def _with_notice(entry: Readiness, today: datetime.date, notice_days: int) -> Readiness:
    """Mark a clearance that ends within the notice period, so a renewal exam is booked in time."""
    if entry.status == "cleared" and entry.valid_until and (entry.valid_until - today).days <= notice_days:
        return dataclasses.replace(entry, expires_soon=True)
    return entry


def _drill_evidence(db: sqlite_utils.Database, policy: ReadinessPolicy, window_start: str) -> dict[tuple[int, str], _Evidence]:
    values: dict[str, Any] = {"minimum": policy.minimum_score, "window_start": window_start}
    if policy.required_drills:
        values.update({f"drill{number}": drill for number, drill in enumerate(policy.required_drills)})
        drill, only = "drill", f"AND drill IN ({', '.join(f':drill{number}' for number in range(len(policy.required_drills)))})"
    else:
        drill, only = f"'{ANY_DRILL}'", ""
    rows = db.execute(f"""
        SELECT trainee_id, {drill}, max(ended) FILTER (WHERE ifnull(override_passed, passed) AND ifnull(override_score, score) >= :minimum),
               max(ifnull(override_score, score)) FILTER (WHERE ended >= :window_start), max(ifnull(override_score, score))
        FROM attempts INDEXED BY counted_exams_for_board
        WHERE {COUNTED_EXAM} {only}
        GROUP BY trainee_id, {drill}""", values)
    return {(trainee, name): _Evidence(last and last[:10], *rest) for trainee, name, last, *rest in rows}


def _competency_evidence(db: sqlite_utils.Database, policy: ReadinessPolicy, window_start: str) -> dict[tuple[int, str], _Evidence]:
    evidence: dict[tuple[int, str], _Evidence] = {}
    for competency, minimum in policy.required_competencies.items():
        rows = db.execute(f"""
            SELECT trainee_id, max(ended) FILTER (WHERE percent >= :minimum),
                   max(percent) FILTER (WHERE ended >= :window_start), max(percent)
            FROM competency_results INDEXED BY counted_competencies
            WHERE mode = 'exam' AND competency = :competency
              AND attempt_id IN (SELECT id FROM attempts INDEXED BY counted_exams_by_trainee WHERE {COUNTED_EXAM})
            GROUP BY trainee_id""", {"minimum": minimum, "window_start": window_start, "competency": competency.value})
        evidence.update({(trainee, competency.value): _Evidence(last and last[:10], *rest) for trainee, last, *rest in rows})
    return evidence


def _recent_exams(db: sqlite_utils.Database, count: int) -> dict[int, tuple[str, list[tuple[int, str]]]]:
    """Trainee → (date of the last exam, [(attempt, date) with critical errors among the last ``count``])."""
    # One index seek per trainee for their last exams: cheaper than a window over every exam.
    # An override to a pass waives the attempt's critical errors: the trainer judged it a pass.
    rows = db.execute(f"""
        SELECT a.trainee_id, a.id, substr(a.ended, 1, 10), a.critical_errors AND a.override_passed IS NOT 1
        FROM trainees t, attempts a
        WHERE a.id IN (SELECT id FROM attempts INDEXED BY counted_exams_by_trainee
                       WHERE trainee_id = t.id AND {COUNTED_EXAM}
                       ORDER BY ended DESC LIMIT max(:count, 1))
        ORDER BY a.trainee_id, a.ended DESC""", {"count": count})
    recent: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for trainee, attempt, day, critical in rows:
        faulty = recent.setdefault(trainee, (day, []))[1]  # the first row is the latest exam
        if critical and count:
            faulty.append((attempt, day))
    return recent


def _judge(policy: ReadinessPolicy, window_start: str, row: tuple, drills: dict,
           competencies: dict, exams: dict, unattested: int = 0) -> Readiness:
    trainee_id, name, unit, cohort = row
    reasons: list[Reason] = []
    rested_on: list[str] = []  # the pass dates the clearance rests on
    last_exam, faulty = exams.get(trainee_id, (None, []))
    if last_exam is None:
        # Exams sat without the trainee's PIN or a group session do not count: say so.
        reasons.append(Reason("exams_unattested", {"count": unattested}) if unattested else Reason("no_exam"))
    else:
        for drill in policy.required_drills or [ANY_DRILL]:
            found = drills.get((trainee_id, drill), _Evidence())
            details = {"drill": drill, "minimum_score": policy.minimum_score}
            _weigh(found, window_start, policy, rested_on, reasons, "drill", details, "best_score")
        for competency, minimum in policy.required_competencies.items():
            found = competencies.get((trainee_id, competency.value), _Evidence())
            details = {"competency": competency.value, "minimum_percent": minimum}
            _weigh(found, window_start, policy, rested_on, reasons, "competency", details, "best_percent")
    if faulty:
        reasons.append(Reason("critical_error", {"attempts": [attempt for attempt, _ in faulty], "last": faulty[0][1],
                                                 "exams": policy.critical_free_exams}))
    if rested_on and not reasons:
        valid_until = datetime.date.fromisoformat(min(rested_on)) + datetime.timedelta(days=policy.valid_days)
        return Readiness(trainee_id, name, unit, cohort, "cleared", valid_until, last_exam)
    expired = [reason for reason in reasons if reason.expired]
    if expired and len(expired) == len(reasons):
        ran_out = min(datetime.date.fromisoformat(reason.details["valid_until"]) for reason in expired)
        return Readiness(trainee_id, name, unit, cohort, "expired", ran_out, last_exam, tuple(reasons))
    return Readiness(trainee_id, name, unit, cohort, "not_yet", None, last_exam, tuple(reasons))


def _weigh(found: _Evidence, window_start: str, policy: ReadinessPolicy, rested_on: list[str], reasons: list[Reason],
           kind: str, details: dict[str, Any], best_name: str) -> None:
    """One requirement: met within the window, met once but too long ago, or never met."""
    if found.last_met is not None and found.last_met >= window_start:
        rested_on.append(found.last_met)
    elif found.last_met is not None:
        held_until = datetime.date.fromisoformat(found.last_met) + datetime.timedelta(days=policy.valid_days)
        reasons.append(Reason(f"{kind}_expired", {**details, "passed_on": found.last_met, "valid_until": held_until.isoformat(),
                                                  best_name: found.best_recent}))
    elif found.best_ever is None and kind == "competency":
        reasons.append(Reason("competency_untested", details))
    else:
        code = "drill_not_passed" if kind == "drill" else "competency_below"
        reasons.append(Reason(code, {**details, best_name: found.best_recent if found.best_recent is not None else found.best_ever}))


def _clearances_by_hand(db: sqlite_utils.Database, today: datetime.date) -> dict[int, tuple[str, str, str]]:
    """Trainee → (valid_until, reason, valid_from) of the clearance by hand that runs latest,
    among those granted by ``today`` and not revoked."""
    rows = db.execute("""
        SELECT trainee_id, valid_until, reason, valid_from FROM manual_clearances
        WHERE revoked IS NULL AND valid_from <= :today ORDER BY trainee_id, valid_until, id""", {"today": today.isoformat()})
    return {trainee: (until, reason, since) for trainee, until, reason, since in rows}  # the last (latest) wins


def _by_hand(today: datetime.date, clearance: tuple[str, str, str] | None, judged: Readiness) -> Readiness:
    """A trainer's clearance in force clears the trainee; one that ran out is said, if not cleared."""
    if clearance is None:
        return judged
    until, reason, since = clearance
    held_until = datetime.date.fromisoformat(until)
    if held_until >= today:
        valid_until = max(held_until, judged.valid_until) if judged.status == "cleared" and judged.valid_until else held_until
        return dataclasses.replace(judged, status="cleared", valid_until=valid_until, reasons=(),
                                   cleared_by_hand={"valid_from": since, "valid_until": until, "reason": reason})
    if judged.status == "cleared":
        return judged
    reasons = (*judged.reasons, Reason("clearance_expired", {"valid_from": since, "valid_until": until}))
    if all(reason.expired for reason in reasons):
        ran_out = max(held_until, judged.valid_until) if judged.valid_until else held_until
        return dataclasses.replace(judged, status="expired", valid_until=ran_out, reasons=reasons)
    return dataclasses.replace(judged, reasons=reasons)
