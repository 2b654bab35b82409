"""A group drill in words, the same on the command line and in the trainer's console."""

from __future__ import annotations

from typing import Any

from drills.scenario import Scenario
from drills.timing import clock_text
from drills.variables import instantiate
from scoring.exports import display_width
from tui.i18n import text
from tui.widgets.debrief_evidence import DrillWords, describe_finding

MEMBER_COLUMNS = ("trainee", "clock", "last_action", "pending", "score")
EXPECTATION_COLUMNS = ("expectation", "met", "late", "missed", "wrong", "rule")
SUMMARY_COLUMNS = (24, 48, 10_000)  # screen columns of an item's summary tried in turn to tell like steps apart


def member_row(language: str, scenario: Scenario, member: dict[str, Any]) -> list[str]:
    """One member of ``group_status``: name, drill clock, last action, open deadlines (nearest first), score so far."""
    last = member["last_action"]
    pending = member["pending"]
    return [
        member["trainee"],
        clock_text(scenario, member["drill_seconds"], True),
        action_text(language, scenario, last) if last else "—",
        f"{len(pending)} ({pending[0]['expectation']} {clock_text(scenario, pending[0]['due'])})" if pending else "0",
        str(member["score"]),
    ]


def action_text(language: str, scenario: Scenario, step: dict[str, Any]) -> str:
    """One step of a timeline: when, and what was done (the item's id tells which, as the journal does)."""
    return f"{clock_text(scenario, step['at'])} {text(language, 'action.' + step['action'])} ({step['inject']})"


def column_titles(language: str, columns: tuple[str, ...]) -> list[str]:
    return [text(language, f"group.columns.{name}") for name in columns]


def expectation_rows(debrief: dict[str, Any], labels: dict[str, str]) -> list[list[str]]:
    """Per step of ``group_debrief`` (named by ``step_labels``): how many met it, were late, missed it, got it wrong; its rule."""
    return [[labels.get(row["expectation"], row["expectation"])] + [str(row[name]) for name in EXPECTATION_COLUMNS[1:]]
            for row in debrief["expectations"]]


def debrief_tail(language: str, scenario: Scenario, debrief: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """The commonest mistakes with their rules, then each trainee's score and timeline."""
    lines = ["", text(language, "group.debrief.mistakes")]
    for mistake in debrief["mistakes"]:
        lines.append(text(language, "group.debrief.mistake", count=mistake["count"],
                          finding=labels.get(mistake["finding"], mistake["finding"]),
                          status=text(language, f"status.{mistake['status']}"), rule=mistake["rule"],
                          title=mistake["rule_title"]))
    lines += ["", text(language, "group.debrief.trainees")]
    for trainee in debrief["trainees"]:
        steps = ", ".join(action_text(language, scenario, step) for step in trainee["timeline"])
        lines.append(text(language, "group.debrief.trainee", name=trainee["trainee"], score=trainee["score"],
                          status=text(language, f"records.attempt_status.{trainee['status']}"), timeline=steps or "—"))
    return lines


def step_labels(language: str, scenario: Scenario, seed: int) -> dict[str, str]:
    """Expectation id → what the debrief calls the step (as in a trainee's own debrief); steps
    that would share a label are told apart by their item's summary, cut short if that suffices."""
    filled = instantiate(scenario, seed)[0]  # the names and numbers the group saw
    words = DrillWords(filled, language)
    summaries = {inject.id: inject.summary for inject in filled.injects}
    plain = {e.id: describe_finding({"id": e.id, "description": e.description}, filled, words) for e in filled.expectations}
    shared = {label for label in plain.values() if list(plain.values()).count(label) > 1}
    for columns in SUMMARY_COLUMNS:
        labels = {e.id: f"{plain[e.id]} · {_shortened(summaries.get(e.inject, ''), columns)}" if plain[e.id] in shared
                  else plain[e.id] for e in filled.expectations}
        if len(set(labels.values())) == len(labels):
            break
    return labels


def _shortened(summary: str, columns: int) -> str:
    if display_width(summary) <= columns:
        return summary
    while display_width(summary) > columns - 1:
        summary = summary[:-1]
    return summary + "…"


def side_by_side(language: str, scenario: Scenario, labels: dict[str, str],
                 debrief: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Each step (rows, named by ``step_labels``) against each trainee (columns): what became of it, and when."""
    trainees = debrief["trainees"]
    columns = [text(language, "group.columns.expectation")] + [trainee["trainee"] for trainee in trainees]
    rows = []
    for expectation in scenario.expectations:
        cells = [labels[expectation.id]]
        for trainee in trainees:
            step = trainee["steps"].get(expectation.id)
            if step is None:  # the drill ended (or the trainee left) before this step came up
                cells.append("—")
                continue
            when = f" {clock_text(scenario, step['done'])}" if step["done"] is not None else ""
            cells.append(text(language, f"status.{step['status']}") + when)
        rows.append(cells)
    return columns, rows
