"""A trainee's record summed up for the progress screen: finished attempts in time order,
the average per competency (weakest first) and the rules that cost the most points.

Plain data from the stored scorecards; nothing here draws.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scoring.records import Attempt


@dataclass(frozen=True)
class RuleLoss:
    rule: str
    title: str
    lost: float  # points lost over all finished attempts
    findings: int  # how many findings citing it lost points


@dataclass(frozen=True)
class CompetencyAverage:
    competency: str
    percent: int  # the mean of the attempts' percents
    attempts: int  # finished attempts that exercised it


def finished(attempts: list[Attempt]) -> list[Attempt]:
    """Attempts that ran to the end and were scored, oldest first."""
    done = [a for a in attempts if a.status == "finished" and a.scorecard and a.score is not None]
    return sorted(done, key=lambda a: (a.ended or a.started, a.id))


def competency_averages(attempts: list[Attempt]) -> list[CompetencyAverage]:
    """Each competency's mean percent over the finished attempts that exercised it, weakest first."""
    percents: dict[str, list[int]] = defaultdict(list)
    for attempt in finished(attempts):
        for name, subtotal in attempt.scorecard.get("competencies", {}).items():
            if subtotal.get("possible"):
                percents[name].append(subtotal["percent"])
    averages = [CompetencyAverage(name, round(sum(values) / len(values)), len(values)) for name, values in percents.items()]
    return sorted(averages, key=lambda average: (average.percent, average.competency))


def rules_behind(attempts: list[Attempt], competency: str, limit: int = 3) -> list[RuleLoss]:
    """The rules whose findings in ``competency`` lost the most points, worst first."""
    lost: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    titles: dict[str, str] = {}
    for attempt in finished(attempts):
        for finding in attempt.scorecard.get("findings", []):
            missing = finding["possible"] - finding["points"]
            if finding.get("competency") == competency and (missing > 0 or finding["status"] != "met"):
                lost[finding["rule"]] += missing
                counts[finding["rule"]] += 1
                titles.setdefault(finding["rule"], finding.get("rule_title", ""))
    ranked = sorted(lost, key=lambda rule: (-lost[rule], -counts[rule], rule))
    return [RuleLoss(rule, titles[rule], round(lost[rule], 2), counts[rule]) for rule in ranked[:limit]]
