"""The progress screen's text panes: who and how far, clearance for duty, competencies.

Content is built from plain strings and theme styles, never parsed as markup.
"""

from __future__ import annotations

import datetime
from typing import Any

from rich.cells import cell_len
from textual.content import Content

from scoring.readiness import (
    ANY_DRILL,
    Readiness,
    ReadinessPolicyError,
    load_readiness_policy,
    readiness_board,
    readiness_override,
)
from scoring.records import Attempt, RecordsStore, Trainee
from tui.i18n import text
from tui.safe_text import strip_controls
from tui.widgets.progress_data import competency_averages, finished, rules_behind

STATUS_STYLE = {"cleared": "bold $text-success", "not_yet": "bold $text-warning", "expired": "bold $text-error"}
BAR_CELLS = 10


def percent_style(percent: int) -> str:
    return "$text-success" if percent >= 80 else "$text-warning" if percent >= 60 else "$text-error"


def trainee_readiness(records: RecordsStore, trainee: Trainee, today: datetime.date) -> Readiness | str | None:
    """The trainee's line on the readiness board, the policy's error message, or None if not on it."""
    try:
        policy = load_readiness_policy(override=readiness_override())
    except ReadinessPolicyError as error:
        return str(error)
    return next((entry for entry in readiness_board(records.db, policy, today) if entry.trainee_id == trainee.id), None)


def overview(trainee: Trainee, attempts: list[Attempt], language: str) -> Content:
    """Name, unit and cohort; how many attempts, the best and the last score."""
    who = [(strip_controls(trainee.name), "bold")]
    for part in (trainee.unit, trainee.cohort):
        if part:
            who += [" · ", strip_controls(part)]
    done = finished(attempts)
    if not done:
        return Content.assemble(*who, "   ", (text(language, "progress.no_attempts"), "$text-muted"))
    summary = text(language, "progress.summary", count=len(attempts), finished=len(done),
                   best=max(a.score for a in done), last=done[-1].score)
    return Content.assemble(*who, "   ", summary)


def reason_text(code: str, details: dict[str, Any], language: str, drill_title) -> str:
    values = dict(details)
    if "drill" in values:
        values["drill"] = text(language, "progress.any_drill") if values["drill"] == ANY_DRILL else drill_title(values["drill"])
    if "competency" in values:
        values["competency"] = text(language, f"competency.{values['competency']}")
    for best in ("best_score", "best_percent"):
        if best in values and values[best] is None:
            values[best] = text(language, "progress.none_yet")
    if "attempts" in values:
        values["attempts"] = len(values["attempts"])
    try:
        return text(language, f"progress.reason.{code}", **values)
    except (KeyError, IndexError):
        return code


def clearance(readiness: Readiness | str | None, language: str, drill_title) -> Content:
    """Cleared, not yet (and what is missing) or expired, and the date it runs out."""
    heading = (text(language, "progress.clearance"), "bold")
    if readiness is None:
        return Content.assemble(heading, "  ", (text(language, "progress.clearance.not_listed"), "$text-muted"))
    if isinstance(readiness, str):
        return Content.assemble(heading, "  ", (text(language, "progress.clearance.policy_error", error=strip_controls(readiness)), "$text-error"))
    until = readiness.valid_until.isoformat() if readiness.valid_until else ""
    parts: list[Any] = [heading, "  ", (text(language, f"progress.clearance.{readiness.status}", until=until), STATUS_STYLE[readiness.status])]
    if readiness.reasons:
        parts += ["  ", (text(language, "progress.clearance.missing"), "$text-muted")]
    for reason in readiness.reasons:
        parts += ["\n  • ", strip_controls(reason_text(reason.code, reason.details, language, drill_title))]
    return Content.assemble(*parts)


def _pad(value: str, width: int) -> str:
    return value + " " * max(0, width - cell_len(value))


def competencies(attempts: list[Attempt], language: str) -> Content:
    """Average percent per competency over finished attempts, weakest first, and the rules
    that cost the most points in the weakest one."""
    averages = competency_averages(attempts)
    parts: list[Any] = [(text(language, "progress.competencies"), "bold")]
    if not averages:
        return Content.assemble(*parts, "\n", (text(language, "progress.no_attempts"), "$text-muted"))
    names = {a.competency: text(language, f"competency.{a.competency}") for a in averages}
    width = max(cell_len(name) for name in names.values())
    for average in averages:
        filled = round(average.percent / 100 * BAR_CELLS)
        style = percent_style(average.percent)
        parts += ["\n", _pad(names[average.competency], width), " ", ("█" * filled, style), ("░" * (BAR_CELLS - filled), "$text-muted"),
                  (f" {average.percent:>3}%", f"bold {style}"),
                  (" " + text(language, "progress.competency.attempts", count=average.attempts), "$text-muted")]
    weakest = averages[0]
    rules = rules_behind(attempts, weakest.competency)
    if rules:
        parts += ["\n\n", (text(language, "progress.weakest", competency=names[weakest.competency]), "bold")]
        for loss in rules:
            parts += ["\n  ", (strip_controls(loss.rule), "$text-accent"), " ", strip_controls(loss.title),
                      (text(language, "progress.rule_lost", lost=f"{loss.lost:g}"), "$text-muted")]
    return Content.assemble(*parts)
