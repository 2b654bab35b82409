"""A group drill in words, the same on the command line and in the trainer's console."""

from __future__ import annotations

from collections import Counter
from typing import Any

from drills.scenario import Scenario
from drills.timing import clock_text
from drills.variables import instantiate
from scoring.exports import display_width
from tui.i18n import text
from tui.widgets.debrief_evidence import DrillWords, describe_finding

MEMBER_COLUMNS = ("trainee", "clock", "last_action", "pending", "score")
EXPECTATION_COLUMNS = ("expectation", "met", "late", "missed", "wrong", "rule")
ITEM_COLUMNS = 24  # screen columns of an item's summary where a timeline names the item
SUMMARY_COLUMNS = (24, 48, 10_000)  # screen columns of an item's summary tried in turn to tell like steps apart


def column_titles(language: str, columns: tuple[str, ...]) -> list[str]:
    return [text(language, f"group.columns.{name}") for name in columns]


class GroupWords:
    """Names for one session's drill as the group saw it (its seed's names and numbers):
    steps as a trainee's own debrief calls them, items by the start of their summary."""

    def __init__(self, language: str, scenario: Scenario, seed: int) -> None:
        self.language = language
        self.scenario = instantiate(scenario, seed)[0]
        self.items = {inject.id: _shortened(inject.summary, ITEM_COLUMNS) for inject in self.scenario.injects}
        self.steps = self._step_labels()

    def _step_labels(self) -> dict[str, str]:
        """Expectation id → label; steps that would share one are told apart by their item's summary,
        cut short if that suffices."""
        words = DrillWords(self.scenario, self.language)
        summaries = {inject.id: inject.summary for inject in self.scenario.injects}
        expectations = self.scenario.expectations
        plain = {e.id: describe_finding({"id": e.id, "description": e.description}, self.scenario, words) for e in expectations}
        shared = {label for label, count in Counter(plain.values()).items() if count > 1}
        for columns in SUMMARY_COLUMNS:
            labels = {e.id: f"{plain[e.id]} · {_shortened(summaries.get(e.inject, ''), columns)}" if plain[e.id] in shared
                      else plain[e.id] for e in expectations}
            if len(set(labels.values())) == len(labels):
                break
        return labels

    def step(self, expectation_id: str) -> str:
        return self.steps.get(expectation_id, expectation_id)

    def clock(self, seconds: float, with_seconds: bool = False) -> str:
        return clock_text(self.scenario, seconds, with_seconds)

    def action(self, step: dict[str, Any]) -> str:
        """One step of a timeline: when, what was done, and to which item."""
        item = self.items.get(step["inject"], step["inject"])
        return f"{self.clock(step['at'])} {text(self.language, 'action.' + step['action'])} ({item})"

    def member_row(self, member: dict[str, Any]) -> list[str]:
        """One member of ``group_status``: name, drill clock, last action, open deadlines (nearest first), score so far."""
        last, pending = member["last_action"], member["pending"]
        return [
            member["trainee"],
            self.clock(member["drill_seconds"], True),
            self.action(last) if last else "—",
            f"{len(pending)} ({self.step(pending[0]['expectation'])} {self.clock(pending[0]['due'])})" if pending else "0",
            str(member["score"]),
        ]

    def expectation_rows(self, debrief: dict[str, Any]) -> list[list[str]]:
        """Per step of ``group_debrief``: how many met it, were late, missed it, got it wrong; its rule."""
        return [[self.step(row["expectation"])] + [str(row[name]) for name in EXPECTATION_COLUMNS[1:]]
                for row in debrief["expectations"]]

    def side_by_side(self, debrief: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
        """Each step (rows) against each trainee (columns): what became of it, and when."""
        trainees = debrief["trainees"]
        columns = [text(self.language, "group.columns.expectation")] + [trainee["trainee"] for trainee in trainees]
        rows = []
        for expectation in self.scenario.expectations:
            cells = [self.step(expectation.id)]
            for trainee in trainees:
                step = trainee["steps"].get(expectation.id)
                if step is None:  # the drill ended (or the trainee left) before this step came up
                    cells.append("—")
                    continue
                when = f" {self.clock(step['done'])}" if step["done"] is not None else ""
                cells.append(text(self.language, f"status.{step['status']}") + when)
            rows.append(cells)
        return columns, rows

    def debrief_tail(self, debrief: dict[str, Any]) -> list[str]:
        """The commonest mistakes with their rules, then each trainee's score and timeline."""
        language = self.language
        lines = ["", text(language, "group.debrief.mistakes")]
        for mistake in debrief["mistakes"]:
            lines.append(text(language, "group.debrief.mistake", count=mistake["count"], finding=self.step(mistake["finding"]),
                              status=text(language, f"status.{mistake['status']}"), rule=mistake["rule"],
                              title=mistake["rule_title"]))
        lines += ["", text(language, "group.debrief.trainees")]
        for trainee in debrief["trainees"]:
            steps = ", ".join(self.action(step) for step in trainee["timeline"])
            lines.append(text(language, "group.debrief.trainee", name=trainee["trainee"], score=trainee["score"],
                              status=text(language, f"records.attempt_status.{trainee['status']}"), timeline=steps or "—"))
        return lines


def _shortened(summary: str, columns: int) -> str:
    if display_width(summary) <= columns:
        return summary
    while display_width(summary) > columns - 1:
        summary = summary[:-1]
    return summary + "…"
