"""The directory and today's roster: whom to verify with, escalate to, relay to, chase."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input

from drills import actions as act
from drills.engine import Drill, InboxItem
from drills.scenario import Role
from tui.safe_text import literal, strip_controls
from tui.widgets.messages import ActionRequested, DraftChanged

MAX_WORDS = 2_000
DIRECTORY_ACTIONS = ("verify", "escalate", "relay", "track", "feedback", "refer_visitor")
# Callers, visitors and inspectors reach the duty room; they are not in its directory.
_NOT_LISTED = {Role.caller, Role.visitor, Role.inspector}


class Directory(Vertical):
    def __init__(self, t, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        self.item: InboxItem | None = None
        self.people: list[str] = []

    def compose(self) -> ComposeResult:
        yield DataTable(id="directory-table", cursor_type="row", zebra_stripes=True)
        yield Input(placeholder=self.t("directory.words"), max_length=MAX_WORDS, id="directory-words")
        with Horizontal(id="directory-actions"):
            for kind in DIRECTORY_ACTIONS:
                yield Button(self.t(f"action.{kind}"), id=f"dir-{kind}", classes="directory-action")

    def fill(self, drill: Drill) -> None:
        table = self.query_one("#directory-table", DataTable)
        for column in ("name", "title", "unit", "phone", "duty"):
            table.add_column(self.t(f"directory.{column}"), key=column)
        for person in drill.scenario.people:
            if person.role in _NOT_LISTED:
                continue
            self.people.append(person.id)
            table.add_row(literal(person.name), literal(person.title), literal(person.unit), literal(person.phone),
                          self.t("directory.on_duty") if person.on_duty else "", key=person.id)

    def show(self, item: InboxItem | None) -> None:
        """Relaying starts from the instruction's own words, so nothing is changed by accident."""
        if item is not None and item is not self.item and item.inject.channel.value in ("instruction", "telegram", "fax"):
            self.query_one("#directory-words", Input).value = item.inject.wording()
        self.item = item

    @on(Input.Changed, "#directory-words")
    def changed(self, event: Input.Changed) -> None:
        self.post_message(DraftChanged("directory-words", event.value))

    @on(Button.Pressed, ".directory-action")
    def pressed(self, event: Button.Pressed) -> None:
        table = self.query_one("#directory-table", DataTable)
        if self.item is None or not self.people:
            return
        person = self.people[table.cursor_row]
        inject = self.item.inject.id
        words = strip_controls(self.query_one("#directory-words", Input).value).strip()
        kind = event.button.id.removeprefix("dir-")
        made = {
            "verify": lambda: act.Verify(inject=inject, person=person),
            "escalate": lambda: act.Escalate(inject=inject, person=person, summary=words),
            "relay": lambda: act.Relay(inject=inject, to=[person], text=words),
            "track": lambda: act.Track(inject=inject, person=person),
            "feedback": lambda: act.Feedback(inject=inject, person=person, text=words),
            "refer_visitor": lambda: act.ReferVisitor(inject=inject, person=person),
        }[kind]()
        self.post_message(ActionRequested(made))
