"""The debrief (讲评): one attempt's scorecard, the evidence behind each finding, a timeline
picture of the drill, and the previous attempt of the same drill beside it.

Enter on a finding opens the rule it cites; ``t`` swaps the scorecard for the timeline
(full width, for a projector) and back; Escape closes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Static

from tui.keys import binding, localize_bindings
from tui.widgets.debrief_attempt import AttemptView, load_attempt_view
from tui.widgets.debrief_findings import FindingsTable
from tui.widgets.debrief_panes import comparison, competencies, finding_detail, verdict
from tui.widgets.debrief_timeline import DrillTimeline, build_timeline


class DebriefScreen(Screen[None]):
    BINDINGS = [
        binding("debrief.timeline", "toggle_timeline"),
        binding("debrief.close", "close"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, attempt_id: int) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.view: AttemptView | None = None

    def compose(self) -> ComposeResult:
        self.language = self.app.language
        localize_bindings(self, self.language)
        self.view = view = load_attempt_view(self.app.records, self.attempt_id, self.language)
        yield Header()
        if view is None:
            yield Static(self.app.t("debrief.missing", attempt=self.attempt_id), id="debrief-missing")
            yield Footer()
            return
        with Vertical(id="debrief-top"):
            yield Static(verdict(view), id="debrief-verdict")
            yield Static(competencies(view), id="debrief-competencies")
        with ContentSwitcher(initial="debrief-card", id="debrief-views"):
            with Vertical(id="debrief-card"):
                yield FindingsTable(view, self.language, id="debrief-findings")
                with Horizontal(id="debrief-panes"):
                    with VerticalScroll(id="debrief-evidence-pane"):
                        yield Static(id="debrief-evidence")
                    with VerticalScroll(id="debrief-previous-pane"):
                        yield Static(comparison(view), id="debrief-previous")
            with VerticalScroll(id="debrief-timeline-view"):
                timeline = build_timeline(view.scenario, view.entries, view.findings, view.labels, view.words)
                yield DrillTimeline(timeline, view.words, id="debrief-timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.app.t("debrief.title")
        if self.view is not None:
            self.query_one("#debrief-evidence-pane").border_title = self.app.t("debrief.evidence.title")
            self.query_one("#debrief-previous-pane").border_title = self.app.t("debrief.previous.title")
            self.query_one(FindingsTable).focus()
            self.show_finding()

    def show_finding(self) -> None:
        if self.view is None:
            return
        finding = self.query_one(FindingsTable).selected_finding()
        self.query_one("#debrief-evidence", Static).update(finding_detail(self.view, finding))
        self.query_one(DrillTimeline).select(finding["id"] if finding else None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_finding()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A click on the highlighted row opens its rule, as Enter does."""
        self.query_one(FindingsTable).action_open_rule()

    def on_findings_table_rule_wanted(self, event: FindingsTable.RuleWanted) -> None:
        self.app.action_open_rulebook(section=event.rule)

    def action_toggle_timeline(self) -> None:
        if self.view is None:
            return
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == "debrief-card":
            switcher.current = "debrief-timeline-view"
            self.query_one("#debrief-timeline-view").focus()
        else:
            switcher.current = "debrief-card"
            self.query_one(FindingsTable).focus()

    def action_close(self) -> None:
        self.dismiss()
