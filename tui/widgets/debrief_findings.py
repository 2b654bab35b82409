"""The scorecard's findings as a table: one row per expectation, Enter opens its rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from tui.keys import binding, localize_bindings
from tui.safe_text import literal
from tui.widgets.debrief_attempt import AttemptView

# The previous attempt's result sits beside this one's, before the wider columns.
COLUMNS = ("finding", "status", "previous", "failure", "points", "due", "done", "rule")
STATUSES = ("met", "late", "missed", "wrong")
LABEL_CELLS = 28  # a long description is cut here; the detail pane shows it whole


def points_text(finding: dict[str, Any]) -> str:
    return f"{finding['points']:g}/{finding['possible']}"


class FindingsTable(DataTable):
    """Findings in scorecard order; the row key is the finding id."""

    BINDINGS = [binding("debrief.open_rule", "open_rule")]
    COMPONENT_CLASSES = {f"findings--{status}" for status in STATUSES} | {"findings--muted"}

    @dataclass
    class RuleWanted(Message):
        """The trainee asked to read the rule a finding cites."""

        finding: str
        rule: str

    def __init__(self, view: AttemptView, language: str, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.view = view
        self.language = language
        localize_bindings(self, language)

    def on_mount(self) -> None:
        words = self.view.words
        for column in COLUMNS:
            if column != "previous" or self.view.previous is not None:
                self.add_column(words.t(f"debrief.columns.{column}"), key=column)
        previous = self.view.previous_findings()
        for finding in self.view.findings:
            self.add_row(*self.cells(finding, previous.get(finding["id"])), key=finding["id"])

    def status_cell(self, finding: dict[str, Any] | None) -> Text:
        if finding is None:
            return Text(self.view.words.t("debrief.no_value"), self.get_component_rich_style("findings--muted"))
        status = finding["status"]
        return Text(self.view.words.t(f"status.{status}"), self.get_component_rich_style(f"findings--{status}"))

    def cells(self, finding: dict[str, Any], previous: dict[str, Any] | None) -> list[Text]:
        words = self.view.words
        failure = words.t(f"failure.{finding['failure']}") if finding.get("failure") else ""
        rule = f"{finding['rule']} {finding.get('rule_title', '')}".strip()
        label = literal(self.view.labels.get(finding["id"], finding["id"]))
        label.truncate(LABEL_CELLS, overflow="ellipsis")
        cells = [
            label,
            self.status_cell(finding),
        ]
        if self.view.previous is not None:
            cells.append(self.status_cell(previous))
        return cells + [
            Text(failure, self.get_component_rich_style("findings--missed")) if failure else Text(""),
            Text(points_text(finding), justify="right"),
            Text(words.clock(finding.get("due"))),
            Text(words.clock(finding.get("done"))),
            literal(rule),
        ]

    def selected_finding(self) -> dict[str, Any] | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.view.finding(key) if key else None

    def action_open_rule(self) -> None:
        finding = self.selected_finding()
        if finding is not None and finding.get("rule"):
            self.post_message(self.RuleWanted(finding["id"], finding["rule"]))
