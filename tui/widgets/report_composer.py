"""The report composer: initial, follow-up, final or daily report, elements prefilled from the log."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList

from drills import actions as act
from drills.engine import Drill, InboxItem
from drills.evidence import facts_heard
from drills.scenario import ReportChannel, ReportElement, ReportStage, Role
from tui.safe_text import strip_controls
from tui.widgets.messages import ActionRequested, DraftChanged

MAX_ELEMENT = 2_000


class ReportComposer(VerticalScroll):
    def __init__(self, t, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        self.item: InboxItem | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(classes="form-row"):
            yield Select([(t(f"stage.{s.value}"), s.value) for s in ReportStage], value="initial", allow_blank=False, id="report-stage")
            yield Select([(t(f"report_channel.{c.value}"), c.value) for c in ReportChannel], value="phone", allow_blank=False, id="report-channel")
            yield Select([], prompt=t("report.recipient"), id="report-recipient")
        for element in ReportElement:
            with Horizontal(classes="form-row"):
                yield Label(t(f"element.{element.value}"), classes="form-label")
                yield Input(max_length=MAX_ELEMENT, id=f"report-{element.value}", classes="form-input")
        yield Label(t("report.unconfirmed"), classes="form-caption")
        yield SelectionList(*[(t(f"element.{e.value}"), e.value) for e in ReportElement], id="report-unconfirmed")
        with Horizontal(classes="form-buttons"):
            yield Checkbox(t("report.signed_off"), id="report-signed-off")
            yield Checkbox(t("report.sealed"), id="report-sealed")
            yield Button(t("report.prefill"), id="report-prefill")
            yield Button(t("report.send"), id="report-send", variant="primary")

    def fill(self, drill: Drill) -> None:
        """Offer the upper-level duty office first: that is where reports go."""
        people = sorted(drill.scenario.people, key=lambda p: p.role != Role.upper_duty_office)
        self.query_one("#report-recipient", Select).set_options([(f"{p.name} · {p.unit or p.title}", p.id) for p in people])

    def show(self, item: InboxItem | None) -> None:
        self.item = item

    def prefill(self, drill: Drill, log_fields: dict[str, str]) -> None:
        """Elements from the item's latest log entry, updated by what is known now (a verification
        may have corrected the log); never over text already typed."""
        if self.item is None:
            return
        facts = {fact.id: fact for fact in drill.scenario.facts}
        known = {name: value for name, value in log_fields.items() if value and name in ReportElement.__members__}
        latest: dict[str, str] = {}
        for fact_id, value in facts_heard(drill.journal).items():
            element = facts[fact_id].element.value
            if value and facts[fact_id] in self._facts_of_item(drill):
                latest[element] = f"{latest[element]}；{value}" if element in latest else value
        known.update(latest)
        for element, value in known.items():
            field = self.query_one(f"#report-{element}", Input)
            if not field.value:
                field.value = value

    def _facts_of_item(self, drill: Drill) -> list:
        """The facts this item is about: what it volunteers or answers, as the scenario says."""
        inject = self.item.inject
        ids = set(inject.volunteers) | {fact for answer in inject.answers.values() for fact in answer.facts}
        return [fact for fact in drill.scenario.facts if fact.id in ids]

    @on(Input.Changed, ".form-input")
    def changed(self, event: Input.Changed) -> None:
        self.post_message(DraftChanged(event.input.id, event.value))

    @on(Button.Pressed, "#report-prefill")
    def prefill_pressed(self) -> None:
        self.screen.prefill_report()

    @on(Button.Pressed, "#report-send")
    def send(self) -> None:
        if self.item is None:
            return
        recipient = self.query_one("#report-recipient", Select).value
        elements = {}
        for element in ReportElement:
            value = strip_controls(self.query_one(f"#report-{element.value}", Input).value).strip()
            if value:
                elements[element.value] = value
        report = act.FileReport(
            inject=self.item.inject.id,
            stage=self.query_one("#report-stage", Select).value,
            channel=self.query_one("#report-channel", Select).value,
            recipient=None if recipient is Select.NULL else recipient,
            elements=elements,
            unconfirmed=list(self.query_one("#report-unconfirmed", SelectionList).selected),
            signed_off=self.query_one("#report-signed-off", Checkbox).value,
            sealed=self.query_one("#report-sealed", Checkbox).value,
        )
        self.post_message(ActionRequested(report))
