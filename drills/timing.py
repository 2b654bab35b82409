"""Drill time: seconds after the drill starts, shown as a time of day on the drill clock.

Engine, checker, playbooks and scoring all turn drill-file times and policy limits into
seconds here, so a deadline means the same thing everywhere.
"""

from __future__ import annotations

from drills.policy import Policy
from drills.scenario import Deadline, Fact, Person, Scenario

MINUTES_PER_DAY = 24 * 60


def _clock_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def at_seconds(value: float | str, scenario: Scenario) -> float:
    """Minutes after the start, or the next time the drill clock shows ``HH:MM``."""
    if isinstance(value, str):
        offset = (_clock_minutes(value) - _clock_minutes(scenario.start)) % MINUTES_PER_DAY
        return offset * 60.0
    return float(value) * 60.0


def clock_text(scenario: Scenario, seconds: float, with_seconds: bool = False) -> str:
    """The drill clock at ``seconds`` after the start, e.g. ``02:13``."""
    total = _clock_minutes(scenario.start) * 60 + int(seconds)
    hours, rest = divmod(total % (MINUTES_PER_DAY * 60), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}" if with_seconds else f"{hours:02d}:{minutes:02d}"


def length_seconds(scenario: Scenario) -> float:
    return scenario.length * 60.0


def fact_value_at(fact: Fact, seconds: float, scenario: Scenario) -> str | None:
    """The ground truth at a moment: the last change at or before it, else the first value."""
    value = fact.value
    for change in sorted(fact.changes, key=lambda change: at_seconds(change.at, scenario)):
        if at_seconds(change.at, scenario) <= seconds:
            value = change.value
    return value


def first_change_seconds(fact: Fact, scenario: Scenario) -> float | None:
    times = [at_seconds(change.at, scenario) for change in fact.changes]
    return min(times) if times else None


def limit_seconds(deadline: Deadline, policy: Policy, anchor: float, scenario: Scenario) -> float:
    """When a deadline falls, given the moment it counts from."""
    limit = policy.limit(deadline.limit)
    if limit.minutes is not None:
        return anchor + limit.minutes * 60.0
    # A time of day (a daily report by 16:30): the next time the clock shows it.
    due = at_seconds(limit.clock or "00:00", scenario)
    while due < anchor:
        due += MINUTES_PER_DAY * 60.0
    return due


def reachable_at(person: Person, seconds: float, scenario: Scenario) -> bool:
    if person.reachable_after is not None:
        return seconds >= at_seconds(person.reachable_after, scenario)
    return person.reachable
