"""A trainee's history: attempts, best and last score, the trend, and where they lose points.

The weakest competencies are those with the lowest share of points over every finished
attempt (practice included: the report is for learning); the rules behind them are the
rules whose findings cost the most points there. Rule ids come back without titles: the
interface looks them up in the rulebook of its own language.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

import sqlite_utils

from scoring.records import Attempt, RecordsStore, Trainee

WEAKEST = 3  # competencies shown
RULES_EACH = 3  # rules shown per weak competency
TREND_WINDOW = 3  # the mean of the last three scores against the three before


@dataclass(frozen=True)
class RuleCost:
    rule: str
    lost: float  # points not earned
    findings: int  # findings under this rule that were not met


@dataclass(frozen=True)
class CompetencyStanding:
    competency: str
    percent: int
    rules: tuple[RuleCost, ...]


@dataclass(frozen=True)
class Summary:
    attempts: int
    scored: int
    best: int | None
    last: int | None
    trend: int | None  # points gained (or lost) lately; None with fewer than two scores


@dataclass(frozen=True)
class TraineeHistory:
    trainee: Trainee
    attempts: list[Attempt]
    summary: Summary
    weakest: list[CompetencyStanding]


def trend(scores: list[int]) -> int | None:
    """Recent scores against the ones just before them: the mean of the last (up to) three
    minus the mean of the (up to) three before; with two scores, simply their difference."""
    if len(scores) < 2:
        return None
    window = max(1, min(TREND_WINDOW, len(scores) // 2))
    return round(mean(scores[-window:]) - mean(scores[-2 * window : -window]))


def summary_of(attempts: int, scores: list[int]) -> Summary:
    """From the number of attempts and the finished ones' scores in the order they were sat."""
    return Summary(attempts, len(scores), max(scores, default=None), scores[-1] if scores else None, trend(scores))


def summarize(attempts: list[Attempt]) -> Summary:
    return summary_of(len(attempts), [a.score for a in attempts if a.status == "finished" and a.score is not None])


def trainee_history(records: RecordsStore, trainee: Trainee) -> TraineeHistory:
    attempts = records.attempts_of(trainee)
    return TraineeHistory(trainee, attempts, summarize(attempts), weakest_competencies(records.db, trainee.id))


def weakest_competencies(db: sqlite_utils.Database, trainee_id: int | None = None,
                         limit: int = WEAKEST) -> list[CompetencyStanding]:
    """The competencies with the lowest share of points, below 100 %, with the rules behind
    them; for one trainee, or for everyone when ``trainee_id`` is None."""
    mine = "AND trainee_id = :trainee" if trainee_id is not None else ""
    rows = db.execute(f"""
        SELECT competency, CAST(round(100.0 * sum(awarded) / sum(possible)) AS INTEGER) AS share
        FROM competency_results WHERE possible > 0 {mine}
        GROUP BY competency HAVING share < 100
        ORDER BY share, competency LIMIT :limit""", {"trainee": trainee_id, "limit": limit}).fetchall()
    return [CompetencyStanding(competency, percent, _costly_rules(db, trainee_id, competency)) for competency, percent in rows]


def _costly_rules(db: sqlite_utils.Database, trainee_id: int | None, competency: str) -> tuple[RuleCost, ...]:
    mine = "AND a.trainee_id = :trainee" if trainee_id is not None else ""
    rows = db.execute(f"""
        SELECT f.rule, round(sum(f.possible - f.points), 2) AS lost, count(*) FROM findings f
        JOIN attempts a ON a.id = f.attempt_id
        WHERE f.competency = :competency AND f.status != 'met' AND a.status = 'finished' {mine}
        GROUP BY f.rule ORDER BY lost DESC, f.rule LIMIT :limit""",
        {"trainee": trainee_id, "competency": competency, "limit": RULES_EACH})
    return tuple(RuleCost(rule, lost, count) for rule, lost, count in rows)


@dataclass(frozen=True)
class TraineeLine:
    """One line of the office report: a trainee's attempts, best, last and trend."""

    trainee: str
    unit: str
    cohort: str | None
    summary: Summary


def office_lines(records: RecordsStore, cohort: str | None = None) -> list[TraineeLine]:
    """Every current trainee's summary, by name (finished scores in the order they were sat)."""
    trainees = records.trainees(cohort=cohort)
    scores: dict[int, list[int]] = {}
    counts: dict[int, int] = {}
    for trainee_id, status, score in records.db.execute(
            "SELECT trainee_id, status, score FROM attempts ORDER BY trainee_id, started, id"):
        counts[trainee_id] = counts.get(trainee_id, 0) + 1
        if status == "finished" and score is not None:
            scores.setdefault(trainee_id, []).append(score)
    lines = []
    for trainee in trainees:
        summary = summary_of(counts.get(trainee.id, 0), scores.get(trainee.id, []))
        lines.append(TraineeLine(trainee.name, trainee.unit, trainee.cohort, summary))
    return lines
