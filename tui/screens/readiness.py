"""The readiness board (上岗资格一览), for a signed-in trainer: cohort by cohort, who is cleared,
who expires soon, and what each person is missing; exported to CSV and XLSX on a key.

The board itself is ``scoring.readiness.readiness_board``; this screen only shows it. It is
read again whenever the screen comes back to the front, so a clearance by hand made on
another screen shows at once.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from drills.locations import data_home
from scoring.exports import write_csv, write_xlsx
from scoring.readiness import (
    Readiness,
    ReadinessPolicy,
    ReadinessPolicyError,
    load_readiness_policy,
    readiness_board,
    readiness_override,
)
from scoring.trainers import Trainer
from tui.keys import binding, localize_bindings
from tui.readiness_text import board_table
from tui.safe_text import strip_controls
from tui.widgets.readiness_board import BoardTable, Cohort, by_cohort
from tui.widgets.readiness_detail import cohort_detail, summary, trainee_detail


def default_export_folder() -> Path:
    return data_home() / "exports"


class ReadinessScreen(Screen[None]):
    BINDINGS = [binding("readiness.close", "close"), binding("readiness.export", "export")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, trainer: Trainer, *, policy: ReadinessPolicy | None = None, today: datetime.date | None = None,
                 export_folder: Path | None = None) -> None:
        """``policy`` defaults to the office's readiness policy, ``today`` to the calendar day,
        ``export_folder`` to ``exports`` in the data folder."""
        super().__init__()
        self.trainer = trainer
        self.policy = policy
        self.today = today or datetime.date.today()
        self.export_folder = export_folder or default_export_folder()
        self.board: list[Readiness] = []
        self.cohorts: list[Cohort] = []

    def compose(self) -> ComposeResult:
        self.language = self.app.language
        localize_bindings(self, self.language)
        yield Header()
        yield Static("", id="readiness-summary")
        with Horizontal(id="readiness-body"):
            yield BoardTable(self.language, id="readiness-table")
            with VerticalScroll(id="readiness-side"):
                yield Static("", id="readiness-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.app.t("readiness.board.title")
        self.query_one(BoardTable).focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        """Judge the board as of ``today`` and show it; a broken policy file is said, not raised."""
        t = self.app.t
        try:
            policy = self.policy or load_readiness_policy(override=readiness_override())
        except ReadinessPolicyError as error:
            self.board, self.cohorts = [], []
            self._show_message(t("readiness.board.policy_error", error=strip_controls(str(error))), "-error")
            return
        self.board = readiness_board(self.trainer.db, policy, self.today)
        self.cohorts = by_cohort(self.board)
        if not self.board:
            self._show_message(t("readiness.board.empty"), "-empty")
            return
        self.set_class(False, "-empty", "-error")
        self.query_one("#readiness-summary", Static).update(summary(self.board, self.today, policy.notice_days, self.language))
        self.query_one(BoardTable).show(self.cohorts)

    def _show_message(self, message: str, kind: str) -> None:
        """No board to show: the message takes the table's place."""
        self.set_class(kind == "-empty", "-empty")
        self.set_class(kind == "-error", "-error")
        self.query_one(BoardTable).clear()
        self.query_one("#readiness-summary", Static).update(message)
        self.query_one("#readiness-detail", Static).update("")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        detail = self.query_one("#readiness-detail", Static)
        if key is None:
            return
        if key.startswith("cohort-"):
            detail.update(cohort_detail(self.cohorts[int(key.removeprefix("cohort-"))], self.language))
        else:
            entry = next(entry for entry in self.board if entry.trainee_id == int(key))
            detail.update(trainee_detail(entry, self.today, self.language))

    def action_export(self) -> None:
        """The board as CSV and XLSX, named by the day it was judged; a same-day export is replaced."""
        from xlsxwriter.exceptions import XlsxWriterException  # loaded only when exporting, as the writer is

        t = self.app.t
        if not self.board:
            self.notify(t("readiness.board.nothing_to_export"), severity="warning", markup=False)
            return
        # In the board's own order, cohort by cohort with the problems first, as on the screen.
        table = board_table(self.language, [entry for cohort in self.cohorts for entry in cohort.entries], self.today)
        folder = self.export_folder
        paths = {kind: folder / f"readiness-{self.today.isoformat()}.{kind}" for kind in ("csv", "xlsx")}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_csv(table, paths["csv"])
            write_xlsx(table, paths["xlsx"])
        except (OSError, XlsxWriterException) as error:
            self.notify(t("readiness.board.export_failed", folder=folder, error=error), severity="error",
                        timeout=15, markup=False)
            return
        self.notify(t("readiness.board.exported", folder=folder, csv=paths["csv"].name, xlsx=paths["xlsx"].name),
                    timeout=10, markup=False)

    def action_close(self) -> None:
        self.dismiss()
