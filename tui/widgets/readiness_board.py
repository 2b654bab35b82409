"""The readiness board's table: cohort by cohort, each trainee's standing and what is missing.

Each cohort opens with a heading row (row key ``cohort-<n>``); trainees follow with the
problems first, so that whoever cannot be rostered is at the top of their cohort.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from scoring.readiness import Readiness
from tui.i18n import text
from tui.readiness_text import short_reasons
from tui.safe_text import literal

# Worst first: not on the roster at all, then on it but not for long, then fine.
STANDINGS = ("expired", "not_yet", "expiring", "cleared")
COLUMNS = ("trainee", "status", "until", "missing")


def standing(entry: Readiness) -> str:
    """The board's four states: a clearance running out within the policy's notice is *expiring*."""
    return "expiring" if entry.expires_soon else entry.status


@dataclass(frozen=True)
class Cohort:
    name: str | None  # None: the trainees in no cohort
    entries: tuple[Readiness, ...]

    def tally(self) -> dict[str, int]:
        counts = dict.fromkeys(STANDINGS, 0)
        for entry in self.entries:
            counts[standing(entry)] += 1
        return counts


def by_cohort(board: list[Readiness]) -> list[Cohort]:
    """Cohorts by name, the trainees in no cohort last; in each, the worst standing first,
    the soonest to run out first, then by name."""
    def urgency(entry: Readiness) -> tuple:
        return STANDINGS.index(standing(entry)), entry.valid_until or datetime.date.max, entry.name

    names = sorted({entry.cohort for entry in board}, key=lambda name: (name is None, name or ""))
    return [Cohort(name, tuple(sorted((entry for entry in board if entry.cohort == name), key=urgency))) for name in names]


def days_text(language: str, days: int) -> str:
    return text(language, "readiness.board.days." + ("zero" if days == 0 else "one" if days == 1 else "many"), days=days)


def state_text(language: str, entry: Readiness) -> str:
    state = standing(entry)
    if state == "cleared" and entry.cleared_by_hand:
        state = "by_hand"
    return text(language, f"readiness.board.state.{state}")


class BoardTable(DataTable):
    """One heading row per cohort, then its trainees; the row key is ``cohort-<n>`` or the trainee's id.

    The Missing column takes the width left over and ends in "…" when a line does not fit:
    the detail pane beside it says everything in full.
    """

    COMPONENT_CLASSES = {"board--cohort", "board--cleared", "board--expiring", "board--not_yet", "board--expired",
                         "board--muted"}
    MISSING_MIN_WIDTH = 12

    def __init__(self, language: str, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.language = language
        self._shown: list[Cohort] | None = None

    def show(self, cohorts: list[Cohort]) -> None:
        """Fill the table, keeping the cursor on the row it was on if that row is still there."""
        self._shown = cohorts
        kept = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value if self.row_count else None
        rows: list[tuple[str, list[Text]]] = []
        for number, cohort in enumerate(cohorts):
            rows.append((f"cohort-{number}", self._heading(cohort)))
            rows += [(str(entry.trainee_id), self._cells(entry)) for entry in cohort.entries]
        labels = [text(self.language, f"readiness.board.columns.{column}") for column in COLUMNS]
        widths = [max([cell_len(labels[column])] + [cells[column].cell_len for _, cells in rows]) for column in range(3)]
        padding = 2 * self.cell_padding * len(COLUMNS)
        room = self.size.width
        if len(rows) + 1 > self.size.height:  # the rows and the column labels: a scrollbar will take its share
            room -= self.styles.scrollbar_size_vertical
        missing_width = max(self.MISSING_MIN_WIDTH, room - sum(widths) - padding)
        self.clear(columns=True)
        for column, label in zip(COLUMNS, labels):
            self.add_column(label, key=column, width=missing_width if column == "missing" else None)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if kept is not None and kept in self.rows:
            self.move_cursor(row=self.get_row_index(kept))
        elif self.row_count > 1:
            self.move_cursor(row=1)  # the first trainee, not the first heading

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(self._shown)

    def _style(self, name: str):
        return self.get_component_rich_style(f"board--{name}", partial=True)  # colour only: the cursor row keeps its background

    def _heading(self, cohort: Cohort) -> list[Text]:
        language = self.language
        title = literal(cohort.name) if cohort.name else Text(text(language, "readiness.board.no_cohort"))
        title.stylize(self._style("cohort"))
        tally = text(language, "readiness.board.separator").join(
            f"{text(language, f'readiness.board.state.{state}')} {count}"
            for state, count in cohort.tally().items() if count)
        count = text(language, "readiness.board.cohort.count", count=len(cohort.entries))
        return [title, Text(count, self._style("cohort")), Text(""), _clipped(Text(tally, self._style("muted")))]

    def _cells(self, entry: Readiness) -> list[Text]:
        state = standing(entry)
        name = literal(entry.name)
        name.pad_left(2)  # under the cohort's heading
        return [name, Text(state_text(self.language, entry), self._style(state)),
                Text(entry.valid_until.isoformat() if entry.valid_until else "—"),
                _clipped(literal(short_reasons(self.language, entry.reasons)))]


def _clipped(cell: Text) -> Text:
    cell.no_wrap, cell.overflow = True, "ellipsis"
    return cell
