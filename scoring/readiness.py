"""Cleared for duty: who may be put on the roster, judged by the office's readiness policy.

A trainee is cleared when, counting finished exam attempts only,
- each required drill (or, if none is listed, any drill) has a qualifying pass — the
  attempt passed and scored at least ``minimum_score`` — within ``valid_days``,
- each required competency reached its percent in some exam within ``valid_days``,
- none of the last ``critical_free_exams`` exams has a critical error.
The clearance runs out ``valid_days`` after the oldest of the passes it rests on. When the
only thing missing is a pass that has grown too old, the trainee is *expired*, not *not yet*.

What is missing comes back as coded reasons the interface words in either language.
"Today" is a parameter: nothing here reads the clock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drills.locations import RULEBOOK, data_home
from drills.scenario import Competency, Identifier

DEFAULT_READINESS = RULEBOOK / "readiness.yaml"
ANY_DRILL = "*"  # the requirement when no drill is named: a pass in any drill


class ReadinessPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minimum_score: int = Field(default=80, ge=0, le=100)
    required_drills: list[Identifier] = Field(default_factory=list)
    required_competencies: dict[Competency, int] = Field(default_factory=dict)
    critical_free_exams: int = Field(default=3, ge=0, le=100)
    valid_days: int = Field(default=365, ge=1, le=3650)


class ReadinessPolicyError(Exception):
    """A readiness policy file that cannot be used; the message names the file and the field."""


def readiness_override() -> Path:
    return data_home() / "readiness.yaml"


def _read_mapping(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ReadinessPolicyError(f"{path}: cannot read the readiness policy: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadinessPolicyError(f"{path}: a readiness policy is a mapping (minimum_score, required_drills …)")
    return data


def load_readiness_policy(defaults: Path = DEFAULT_READINESS, override: Path | None = None) -> ReadinessPolicy:
    """The shipped readiness policy with an office's file applied over it, key by key."""
    data = _read_mapping(defaults)
    source = defaults
    if override is not None and override.exists():
        data = {**data, **_read_mapping(override)}
        source = override
    try:
        return ReadinessPolicy.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ReadinessPolicyError(f"{source}: {where}: {first['msg']}") from None


@dataclass(frozen=True)
class Reason:
    """Something missing for clearance: a stable code and the values the wording needs."""

    code: str  # no_exam | drill_not_passed | drill_expired | competency_untested | competency_below | competency_expired | critical_error
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "trainee": self.name, "unit": self.unit, "cohort": self.cohort, "status": self.status,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "last_exam": self.last_exam,
            "missing": [{"code": reason.code, **reason.details} for reason in self.reasons],
        }


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
    where, values = "NOT t.archived", []
    if cohort:
        where += " AND c.name = ?"
        values.append(cohort)
    rows = db.execute(f"SELECT t.id, t.name, t.unit, c.name FROM trainees t LEFT JOIN cohorts c ON c.id = t.cohort_id"
                      f" WHERE {where} ORDER BY t.name", values)
    return [_judge(policy, window_start, row, drills, competencies, exams) for row in rows]


def _drill_evidence(db: sqlite_utils.Database, policy: ReadinessPolicy, window_start: str) -> dict[tuple[int, str], _Evidence]:
    values: dict[str, Any] = {"minimum": policy.minimum_score, "window_start": window_start}
    if policy.required_drills:
        values.update({f"drill{number}": drill for number, drill in enumerate(policy.required_drills)})
        drill, only = "drill", f"AND drill IN ({', '.join(f':drill{number}' for number in range(len(policy.required_drills)))})"
    else:
        drill, only = f"'{ANY_DRILL}'", ""
    rows = db.execute(f"""
        SELECT trainee_id, {drill}, max(ended) FILTER (WHERE passed AND score >= :minimum),
               max(score) FILTER (WHERE ended >= :window_start), max(score)
        FROM attempts INDEXED BY attempts_for_board
        WHERE mode = 'exam' AND status = 'finished' {only}
        GROUP BY trainee_id, {drill}""", values)
    return {(trainee, name): _Evidence(last and last[:10], *rest) for trainee, name, last, *rest in rows}


def _competency_evidence(db: sqlite_utils.Database, policy: ReadinessPolicy, window_start: str) -> dict[tuple[int, str], _Evidence]:
    evidence: dict[tuple[int, str], _Evidence] = {}
    for competency, minimum in policy.required_competencies.items():
        rows = db.execute("""
            SELECT trainee_id, max(ended) FILTER (WHERE percent >= :minimum),
                   max(percent) FILTER (WHERE ended >= :window_start), max(percent)
            FROM competency_results INDEXED BY competencies_for_board
            WHERE mode = 'exam' AND competency = :competency
            GROUP BY trainee_id""", {"minimum": minimum, "window_start": window_start, "competency": competency.value})
        evidence.update({(trainee, competency.value): _Evidence(last and last[:10], *rest) for trainee, last, *rest in rows})
    return evidence


def _recent_exams(db: sqlite_utils.Database, count: int) -> dict[int, tuple[str, list[tuple[int, str]]]]:
    """Trainee → (date of the last exam, [(attempt, date) with critical errors among the last ``count``])."""
    # One index seek per trainee for their last exams: cheaper than a window over every exam.
    rows = db.execute("""
        SELECT a.trainee_id, a.id, substr(a.ended, 1, 10), a.critical_errors FROM trainees t, attempts a
        WHERE a.id IN (SELECT id FROM attempts INDEXED BY attempts_by_trainee
                       WHERE trainee_id = t.id AND mode = 'exam' AND status = 'finished'
                       ORDER BY ended DESC LIMIT max(:count, 1))
        ORDER BY a.trainee_id, a.ended DESC""", {"count": count})
    recent: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for trainee, attempt, day, critical in rows:
        faulty = recent.setdefault(trainee, (day, []))[1]  # the first row is the latest exam
        if critical and count:
            faulty.append((attempt, day))
    return recent


def _judge(policy: ReadinessPolicy, window_start: str, row: tuple, drills: dict,
           competencies: dict, exams: dict) -> Readiness:
    trainee_id, name, unit, cohort = row
    reasons: list[Reason] = []
    rested_on: list[str] = []  # the pass dates the clearance rests on
    last_exam, faulty = exams.get(trainee_id, (None, []))
    if last_exam is None:
        reasons.append(Reason("no_exam"))
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
