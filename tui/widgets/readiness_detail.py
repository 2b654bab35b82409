"""The readiness board's text panes: the totals line, and the detail of a trainee or a cohort.

Built from plain strings and theme styles, never parsed as markup; names, units, cohorts
and a trainer's reasons are stripped of control sequences.
"""

from __future__ import annotations

import datetime
from typing import Any

from textual.content import Content

from scoring.readiness import Readiness
from tui.i18n import text
from tui.readiness_text import reason_text
from tui.safe_text import strip_controls
from tui.widgets.readiness_board import STANDINGS, Cohort, days_text, standing

STATE_STYLE = {"cleared": "bold $text-success", "expiring": "bold $text-warning", "not_yet": "bold $text-warning",
               "expired": "bold $text-error"}


def summary(board: list[Readiness], today: datetime.date, notice_days: int, language: str) -> Content:
    """Totals over every cohort; the expiring are counted among the cleared, as they still are."""
    counts = dict.fromkeys(STANDINGS, 0)
    for entry in board:
        counts[standing(entry)] += 1
    return Content(text(language, "readiness.board.summary", date=today.isoformat(), total=len(board),
                        cleared=counts["cleared"] + counts["expiring"], expiring=counts["expiring"],
                        days=notice_days, not_yet=counts["not_yet"], expired=counts["expired"]))


def trainee_detail(entry: Readiness, today: datetime.date, language: str) -> Content:
    """Who, their standing and until when, a clearance by hand, the last exam, and every reason in full."""
    parts: list[Any] = [(strip_controls(entry.name), "bold")]
    for part in (entry.unit, entry.cohort):
        if part:
            parts += [" · ", strip_controls(part)]
    state = standing(entry)
    until = entry.valid_until.isoformat() if entry.valid_until else ""
    when = days_text(language, (entry.valid_until - today).days) if state == "expiring" else ""
    parts += ["\n", text(language, "readiness.board.detail.status"),
              (text(language, f"readiness.board.detail.{state}", date=until, when=when), STATE_STYLE[state])]
    if entry.cleared_by_hand:
        by_hand = entry.cleared_by_hand
        parts += ["\n", (text(language, "readiness.board.detail.by_hand", valid_from=by_hand["valid_from"],
                               valid_until=by_hand["valid_until"]), "$text-accent"), strip_controls(by_hand["reason"])]
    exam = text(language, "readiness.board.detail.last_exam", date=entry.last_exam) if entry.last_exam \
        else text(language, "readiness.board.detail.no_exam")
    parts += ["\n", (exam, "$text-muted"), "\n\n"]
    if not entry.reasons:
        return Content.assemble(*parts, (text(language, "readiness.board.detail.nothing_missing"), "$text-muted"))
    parts.append((text(language, "readiness.board.detail.missing"), "bold"))
    for reason in entry.reasons:
        parts += ["\n • ", strip_controls(reason_text(language, reason.code, reason.details))]
    return Content.assemble(*parts)


def cohort_detail(cohort: Cohort, language: str) -> Content:
    """A cohort's heading: its name and how many stand where."""
    name = strip_controls(cohort.name) if cohort.name else text(language, "readiness.board.no_cohort")
    parts: list[Any] = [(name, "bold"), "  ", text(language, "readiness.board.cohort.count", count=len(cohort.entries))]
    for state, count in cohort.tally().items():
        parts += ["\n", (text(language, f"readiness.board.state.{state}"), STATE_STYLE[state]), f"  {count}"]
    return Content.assemble(*parts)
