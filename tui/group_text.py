"""A group drill in words, the same on the command line and in the trainer's console."""

from __future__ import annotations

from typing import Any

from drills.scenario import Scenario
from drills.timing import clock_text
from tui.i18n import text

MEMBER_COLUMNS = ("trainee", "clock", "last_action", "pending", "score")
EXPECTATION_COLUMNS = ("expectation", "met", "late", "missed", "wrong", "rule")


def member_row(scenario: Scenario, member: dict[str, Any]) -> list[str]:
    """One member of ``group_status``: name, drill clock, last action, open deadlines (nearest first), score so far."""
    last = member["last_action"]
    pending = member["pending"]
    return [
        member["trainee"],
        clock_text(scenario, member["drill_seconds"], True),
        f"{clock_text(scenario, last['at'])} {last['action']} {last['inject']}" if last else "—",
        f"{len(pending)} ({pending[0]['expectation']} {clock_text(scenario, pending[0]['due'])})" if pending else "0",
        str(member["score"]),
    ]


def column_titles(language: str, columns: tuple[str, ...]) -> list[str]:
    return [text(language, f"group.columns.{name}") for name in columns]


def expectation_rows(debrief: dict[str, Any]) -> list[list[str]]:
    """Per expectation of ``group_debrief``: how many met it, were late, missed it, got it wrong; its rule."""
    return [[str(row[name]) for name in EXPECTATION_COLUMNS] for row in debrief["expectations"]]


def debrief_tail(language: str, scenario: Scenario, debrief: dict[str, Any]) -> list[str]:
    """The commonest mistakes with their rules, then each trainee's score and timeline."""
    lines = ["", text(language, "group.debrief.mistakes")]
    for mistake in debrief["mistakes"]:
        lines.append(text(language, "group.debrief.mistake", count=mistake["count"], finding=mistake["finding"],
                          status=text(language, f"status.{mistake['status']}"), rule=mistake["rule"],
                          title=mistake["rule_title"]))
    lines += ["", text(language, "group.debrief.trainees")]
    for trainee in debrief["trainees"]:
        steps = ", ".join(f"{clock_text(scenario, step['at'])} {step['action']} {step['inject']}" for step in trainee["timeline"])
        lines.append(text(language, "group.debrief.trainee", name=trainee["trainee"], score=trainee["score"],
                          status=text(language, f"records.attempt_status.{trainee['status']}"), timeline=steps or "—"))
    return lines


def side_by_side(language: str, scenario: Scenario, debrief: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Each expectation (rows) against each trainee (columns): what became of it, and when it was done."""
    trainees = debrief["trainees"]
    columns = [text(language, "group.columns.expectation")] + [trainee["trainee"] for trainee in trainees]
    rows = []
    for expectation in scenario.expectations:
        cells = [expectation.id]
        for trainee in trainees:
            step = trainee["steps"].get(expectation.id)
            if step is None:  # the drill ended (or the trainee left) before this step came up
                cells.append("—")
                continue
            when = f" {clock_text(scenario, step['done'])}" if step["done"] is not None else ""
            cells.append(text(language, f"status.{step['status']}") + when)
        rows.append(cells)
    return columns, rows
