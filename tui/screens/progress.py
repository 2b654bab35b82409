"""My progress (学习进度): a trainee's attempts, the score trend, the competencies from
weakest to strongest with the rules behind the weakest, and clearance for duty.

Enter on an attempt opens its debrief; Escape closes.
"""

from __future__ import annotations

import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from scoring.records import Attempt, Trainee
from tui.keys import binding, localize_bindings
from tui.safe_text import literal
from tui.widgets.progress_data import finished
from tui.widgets.progress_panes import (
    clearance,
    competencies,
    overview,
    trainee_readiness,
)
from tui.widgets.progress_trend import Bar, ScoreTrend

# The drill's title goes last: on a narrow screen it is what gets cut, not the score.
COLUMNS = ("date", "score", "result", "mode", "drill")


class AttemptsTable(DataTable):
    """The trainee's attempts, newest first; the row key is the attempt id."""

    BINDINGS = [binding("progress.open_attempt", "open_attempt")]
    COMPONENT_CLASSES = {"attempts--passed", "attempts--failed", "attempts--muted"}

    def __init__(self, language: str, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        localize_bindings(self, language)

    def action_open_attempt(self) -> None:
        if self.row_count:
            self.screen.open_attempt(int(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value))


class ProgressScreen(Screen[None]):
    BINDINGS = [binding("progress.close", "close")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, trainee: Trainee, today: datetime.date | None = None) -> None:
        super().__init__()
        self.trainee = trainee
        self.today = today or datetime.date.today()  # clearance is judged as of this day
        self.attempts: list[Attempt] = []
        self._titles: dict[tuple[str, str], str] = {}

    def drill_title(self, drill: str, language: str | None = None) -> str:
        """The drill's title in the interface language where that edition exists."""
        key = (drill, language or self.language)
        if key not in self._titles:
            found = self.app.library.find(drill, self.language) or self.app.library.find(drill, language)
            self._titles[key] = found.scenario.title if found else drill
        return self._titles[key]

    def compose(self) -> ComposeResult:
        t = self.app.t
        self.language = self.app.language
        localize_bindings(self, self.language)
        self.attempts = self.app.records.attempts_of(self.trainee)
        yield Header()
        with Vertical(id="progress-top"):
            yield Static(overview(self.trainee, self.attempts, self.language), id="progress-overview")
            readiness = trainee_readiness(self.app.records, self.trainee, self.today)
            yield Static(clearance(readiness, self.language, self.drill_title), id="progress-clearance")
        with Horizontal(id="progress-body"):
            with Vertical(id="progress-attempts-pane"):
                yield AttemptsTable(self.language, id="progress-attempts")
            with VerticalScroll(id="progress-side"):
                with Vertical(id="progress-trend-box"):
                    yield Static(t("progress.trend"), id="progress-trend-heading", markup=False)
                    done = finished(self.attempts)
                    if done:
                        bars = [Bar(a.score, bool(a.passed)) for a in done]
                        yield ScoreTrend(bars, self.app.policy.pass_mark, id="progress-trend")
                    else:
                        yield Static(t("progress.no_attempts"), id="progress-trend-empty", markup=False)
                yield Static(competencies(self.attempts, self.language), id="progress-competencies")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.app.t("progress.title")
        self.query_one("#progress-attempts-pane").border_title = self.app.t("progress.attempts")
        table = self.query_one(AttemptsTable)
        for column in COLUMNS:
            table.add_column(self.app.t(f"progress.columns.{column}"), key=column)
        for attempt in reversed(self.attempts):
            table.add_row(*self.cells(table, attempt), key=str(attempt.id))
        table.focus()

    def cells(self, table: AttemptsTable, attempt: Attempt) -> list[Text]:
        t = self.app.t
        if attempt.status != "finished" or attempt.passed is None:
            result = Text(t(f"progress.state.{attempt.status}"), table.get_component_rich_style("attempts--muted"))
        elif attempt.passed:
            result = Text(t("progress.passed"), table.get_component_rich_style("attempts--passed"))
        else:
            result = Text(t("progress.failed"), table.get_component_rich_style("attempts--failed"))
        score = "" if attempt.score is None else str(attempt.score)
        return [Text(attempt.started[:10]), Text(score, justify="right"), result,
                Text(t(f"progress.mode.{attempt.mode}")), literal(self.drill_title(attempt.drill, attempt.language))]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A click on the highlighted attempt opens it, as Enter does."""
        self.open_attempt(int(event.row_key.value))

    def open_attempt(self, attempt_id: int) -> None:
        from tui.screens.debrief import DebriefScreen

        attempt = next((a for a in self.attempts if a.id == attempt_id), None)
        if attempt is not None and attempt.scorecard:
            self.app.push_screen(DebriefScreen(attempt_id))
        else:
            self.notify(self.app.t("progress.not_scored"), severity="warning")

    def action_close(self) -> None:
        self.dismiss()
