"""The duty-log form (值班记录): the record part and the handling part, one entry per item."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label

from drills import actions as act
from drills.engine import Drill, InboxItem
from drills.evidence import facts_heard
from drills.timing import clock_text
from tui.safe_text import strip_controls
from tui.widgets.messages import ActionRequested, DraftChanged

MAX_FIELD = 500
# The log's columns (duty.log): who called, when, what; then what was done about it.
LOG_FIELDS = ("caller", "unit", "phone", "received", "content", "time", "place", "cause", "consequences",
              "actions", "proposal", "instruction", "result")


class LogForm(VerticalScroll):
    def __init__(self, t, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        self.item: InboxItem | None = None

    def compose(self) -> ComposeResult:
        for name in LOG_FIELDS:
            with Horizontal(classes="form-row"):
                yield Label(self.t(f"log.{name}"), classes="form-label")
                yield Input(max_length=MAX_FIELD, id=f"log-{name}", classes="form-input")
        with Horizontal(classes="form-buttons"):
            yield Button(self.t("log.fill"), id="log-fill")
            yield Button(self.t("log.save"), id="log-save", variant="primary")

    def show(self, item: InboxItem | None) -> None:
        self.item = item

    def values(self) -> dict[str, str]:
        return {name: strip_controls(self.query_one(f"#log-{name}", Input).value).strip() for name in LOG_FIELDS}

    def fill_from(self, drill: Drill) -> None:
        """Write down what was heard about the item so far; the trainee edits from there."""
        if self.item is None:
            return
        facts = {fact.id: fact for fact in drill.scenario.facts}
        source = next((p for p in drill.scenario.people if p.id == self.item.inject.source), None)
        known: dict[str, str] = {"received": clock_text(drill.scenario, self.item.arrived), "content": self.item.inject.summary}
        for fact_id, value in facts_heard(drill.journal, self.item.inject.id).items():
            element = facts[fact_id].element.value
            if value and element in LOG_FIELDS:
                known[element] = f"{known[element]}；{value}" if element in known else value
        if source is not None and self.item.state.value != "ringing":
            known.setdefault("phone", "")
        for name, value in known.items():
            field = self.query_one(f"#log-{name}", Input)
            if not field.value:
                field.value = value

    @on(Input.Changed, ".form-input")
    def changed(self, event: Input.Changed) -> None:
        self.post_message(DraftChanged(event.input.id, event.value))

    @on(Button.Pressed, "#log-fill")
    def fill_pressed(self) -> None:
        self.screen.fill_log()

    @on(Button.Pressed, "#log-save")
    def save(self) -> None:
        if self.item is None:
            return
        fields = {name: value for name, value in self.values().items() if value}
        self.post_message(ActionRequested(act.LogEntry(inject=self.item.inject.id, fields=fields)))
