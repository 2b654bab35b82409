"""Everything the debrief shows about one attempt, read once from the records.

The drill is taken as the attempt sat it (its stored snapshot, filled in with the
attempt's seed), so names, deadlines and rule ids match the scorecard even if the drill
file has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drills.engine import JournalEntry
from drills.scenario import Scenario
from drills.evidence import delivery_times
from drills.variables import fill_scenario, instantiate
from scoring.records import Attempt, RecordsStore, Trainee
from tui.widgets.debrief_evidence import DrillWords, finding_labels


@dataclass(frozen=True)
class AttemptView:
    attempt: Attempt
    trainee: Trainee | None
    scenario: Scenario  # instantiated with the attempt's seed
    words: DrillWords
    entries: list[JournalEntry]
    findings: list[dict[str, Any]]
    labels: dict[str, str]  # finding id → what the table calls it
    previous: Attempt | None  # the same trainee's last scored attempt of this drill before this one

    @property
    def scorecard(self) -> dict[str, Any]:
        return self.attempt.scorecard or {}

    def finding(self, finding_id: str) -> dict[str, Any] | None:
        return next((f for f in self.findings if f["id"] == finding_id), None)

    def previous_findings(self) -> dict[str, dict[str, Any]]:
        if self.previous is None or not self.previous.scorecard:
            return {}
        return {f["id"]: f for f in self.previous.scorecard.get("findings", [])}

    def arrivals(self) -> dict[str, float]:
        return delivery_times(self.entries)


def _trainee(records: RecordsStore, trainee_id: int) -> Trainee | None:
    return next((t for t in records.trainees(include_archived=True) if t.id == trainee_id), None)


def previous_attempt(records: RecordsStore, attempt: Attempt, trainee: Trainee | None) -> Attempt | None:
    """The last scored attempt of the same drill by the same trainee that came before."""
    if trainee is None:
        return None
    earlier = None
    for other in records.attempts_of(trainee):
        if other.id == attempt.id:
            return earlier
        if other.drill == attempt.drill and other.scorecard:
            earlier = other
    return earlier


def drill_as_sat(records: RecordsStore, attempt: Attempt, entries: list[JournalEntry]) -> Scenario:
    """The stored drill filled in with the names and numbers the engine drew for this run.

    The values come from the journal's first entry, which recorded them, so showing a
    debrief needs no Faker; an old journal without them falls back to drawing again.
    """
    scenario = records.scenario_as_sat(attempt)
    started = next((entry for entry in entries if entry.kind == "drill_started"), None)
    values = (started.data.get("variables") if started else None) or None
    if values is None:
        return instantiate(scenario, attempt.seed)[0]
    return fill_scenario(scenario, values)


def load_attempt_view(records: RecordsStore, attempt_id: int, language: str) -> AttemptView | None:
    """The attempt and what goes with it, or None if there is no such attempt."""
    attempt = records.attempt(attempt_id)
    if attempt is None:
        return None
    entries = records.journal.entries(attempt.run_id)
    scenario = drill_as_sat(records, attempt, entries)
    words = DrillWords(scenario, language)
    trainee = _trainee(records, attempt.trainee_id)
    findings = list((attempt.scorecard or {}).get("findings", []))
    labels = finding_labels(findings, scenario, words, delivery_times(entries))
    return AttemptView(attempt, trainee, scenario, words, entries, findings, labels,
                       previous_attempt(records, attempt, trainee))
