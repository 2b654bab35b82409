"""The handover note (交接班): situation, open items, instructions, equipment — 三清."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Label, TextArea

from drills import actions as act
from drills.engine import InboxItem
from tui.safe_text import strip_controls
from tui.widgets.messages import ActionRequested, DraftChanged

PARTS = ("situation", "open_items", "instructions", "equipment")
MAX_PART = 4_000


class HandoverForm(VerticalScroll):
    def __init__(self, t, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        self.item: InboxItem | None = None

    def compose(self) -> ComposeResult:
        for part in PARTS:
            yield Label(self.t(f"handover.{part}"), classes="form-caption")
            yield TextArea(id=f"handover-{part}", classes="handover-part", soft_wrap=True)
        yield Button(self.t("handover.submit"), id="handover-submit", variant="primary")

    def show(self, item: InboxItem | None) -> None:
        self.item = item

    @on(TextArea.Changed, ".handover-part")
    def changed(self, event: TextArea.Changed) -> None:
        area = event.text_area
        if len(area.text) > MAX_PART:  # a huge paste is cut to size, not kept whole
            area.text = area.text[:MAX_PART]
        self.post_message(DraftChanged(area.id, area.text))

    @on(Button.Pressed, "#handover-submit")
    def submit(self) -> None:
        if self.item is None:
            return
        parts = {part: strip_controls(self.query_one(f"#handover-{part}", TextArea).text).strip() for part in PARTS}
        self.post_message(ActionRequested(act.Handover(inject=self.item.inject.id, **parts)))
