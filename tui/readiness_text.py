"""The readiness board in words: reasons and the exported table, for the command line and the screen.

Both ``dutydrill readiness`` and the readiness screen word the board through here, so the
two never disagree on what a reason says or what an exported sheet holds.
"""

from __future__ import annotations

import datetime

from scoring.exports import Table
from scoring.readiness import ANY_DRILL, Readiness, Reason
from tui.i18n import text


def _worded_values(language: str, details: dict, any_drill: str) -> dict:
    values = dict(details)
    if "competency" in values:
        values["competency"] = text(language, f"competency.{values['competency']}")
    if values.get("drill") == ANY_DRILL:
        values["drill"] = text(language, any_drill)
    for best in ("best_score", "best_percent"):
        if best in values and values[best] is None:
            values[best] = "—"
    if "attempts" in values:
        values["attempts"] = ", ".join(str(attempt) for attempt in values["attempts"])
    return values


def reason_text(language: str, code: str, details: dict) -> str:
    """What is missing, in a sentence."""
    return text(language, f"readiness.reason.{code}", **_worded_values(language, details, "records.any_drill"))


def short_reasons(language: str, reasons: tuple[Reason, ...]) -> str:
    """What is missing in a few words each, for one line of the board."""
    return text(language, "readiness.board.separator").join(
        text(language, f"readiness.board.short.{reason.code}",
             **_worded_values(language, reason.details, "readiness.board.short.any_drill"))
        for reason in reasons)


def missing_cell(language: str, entry: Readiness) -> str | None:
    """The sheet's Missing cell: the reasons, or that a trainer cleared the trainee by hand."""
    if entry.reasons:
        return "\n".join(reason_text(language, reason.code, reason.details) for reason in entry.reasons)
    if entry.cleared_by_hand:
        return text(language, "readiness.by_hand_note", **entry.cleared_by_hand)
    return None


def board_table(language: str, board: list[Readiness], today: datetime.date) -> Table:
    columns = [text(language, f"records.columns.{name}") for name in ("trainee", "unit", "cohort", "readiness", "valid_until", "last_exam", "missing")]
    rows = [[entry.name, entry.unit, entry.cohort, text(language, f"readiness.status.{entry.status}"), entry.valid_until,
             entry.last_exam, missing_cell(language, entry)]
            for entry in board]
    return Table(text(language, "readiness.sheet", date=today.isoformat()), columns, rows,
                 [entry.status for entry in board], status_column=3)
