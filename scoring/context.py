"""What every scoring rule needs to know about one attempt, worked out once from the journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from drills.engine import JournalEntry
from drills.evidence import TakenAction, delivery_times, facts_confirmed, facts_heard, taken_actions
from drills.matching import meets, people_by_id
from drills.policy import Policy
from drills.scenario import Expectation, Fact, Person, Scenario
from drills.timing import first_change_seconds, length_seconds, limit_seconds


@dataclass
class AttemptContext:
    scenario: Scenario  # instantiated with the attempt's seed
    policy: Policy
    entries: list[JournalEntry]
    actions: list[TakenAction] = field(init=False)
    delivered: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self.actions = taken_actions(self.entries)
        self.delivered = delivery_times(self.entries)

    @cached_property
    def facts(self) -> dict[str, Fact]:
        return {fact.id: fact for fact in self.scenario.facts}

    @cached_property
    def people(self) -> dict[str, Person]:
        return people_by_id(self.scenario)

    @cached_property
    def injects(self) -> dict:
        return {inject.id: inject for inject in self.scenario.injects}

    @cached_property
    def end(self) -> float:
        """When the drill stopped: its end, or the last entry of an interrupted run."""
        ended = [entry.at for entry in self.entries if entry.kind == "drill_ended"]
        if ended:
            return ended[-1]
        return max([length_seconds(self.scenario)] + [entry.at for entry in self.entries])

    @cached_property
    def postponements(self) -> list[tuple[float, float]]:
        """(moment, seconds) for each backward clock shift: open deadlines moved by that much."""
        return [(entry.at, -entry.data["minutes"] * 60.0) for entry in self.entries
                if entry.kind == "clock_shifted" and entry.data["minutes"] < 0]

    def candidates(self, expectation: Expectation) -> list[TakenAction]:
        """Actions of the expected kind about the expected item, right target or not."""
        return [taken for taken in self.actions
                if taken.action.kind == expectation.action.value and getattr(taken.action, "inject", None) == expectation.inject
                and (expectation.question is None or getattr(taken.action, "question", None) == expectation.question)
                and (expectation.stage is None or getattr(taken.action, "stage", None) == expectation.stage)
                # A phone report is no attempt at the written one: that stays missing.
                and (expectation.channel is None or getattr(taken.action, "channel", None) == expectation.channel)]

    def matching(self, expectation: Expectation) -> list[TakenAction]:
        return [taken for taken in self.candidates(expectation) if meets(expectation, taken.action, self.scenario, taken.at, taken.reply)]

    @cached_property
    def met_times(self) -> dict[str, float]:
        """The moment each expectation was first met, as the engine counts it."""
        times = {}
        for expectation in self.scenario.expectations:
            if not expectation.avoid:
                found = self.matching(expectation)
                if found:
                    times[expectation.id] = found[0].done
        return times

    def due(self, expectation: Expectation) -> float | None:
        """When the expectation fell due, or None if it has no deadline or never started."""
        if expectation.deadline is None or expectation.inject not in self.delivered:
            return None
        kind, _, anchor_id = expectation.deadline.after.partition(":")
        queued_from = anchor = self.delivered[expectation.inject]
        if kind == "met":
            if anchor_id not in self.met_times:
                return None
            queued_from = anchor = self.met_times[anchor_id]
        elif kind == "change":
            anchor = first_change_seconds(self.facts[anchor_id], self.scenario)
            if anchor is None:
                return None
            queued_from = 0.0  # the engine queues change deadlines when the drill starts
        due = limit_seconds(expectation.deadline, self.policy, anchor, self.scenario)
        for moment, seconds in self.postponements:
            if queued_from <= moment < due:
                due += seconds
        return due

    def heard(self, until: float, inject_id: str | None = None) -> dict[str, str | None]:
        return facts_heard(self.entries, inject_id, until)

    def confirmed(self, until: float) -> dict[str, float]:
        return facts_confirmed(self.entries, until)
