"""The active item: a call's transcript and questions, a fax as the document it is, a visitor.

It shows and forwards: every button becomes an ``ActionRequested`` for the screen.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from drills import actions as act
from drills.engine import Drill, InboxItem
from drills.scenario import DOCUMENT_CHANNELS, RINGING_CHANNELS, Channel, Question
from drills.timing import clock_text
from tui.safe_text import literal, strip_controls
from tui.widgets.messages import ActionRequested, DraftChanged
from tui.widgets.transcript import transcript

MAX_WORDS = 500

# Which buttons make sense for which channel.
_BUTTONS = {
    "answer": RINGING_CHANNELS,
    "greet": RINGING_CHANNELS,
    "register_document": DOCUMENT_CHANNELS,
    "sign_for_document": DOCUMENT_CHANNELS,
    "return_document": DOCUMENT_CHANNELS,
    "receive_visitor": frozenset({Channel.visitor}),
    "decline": RINGING_CHANNELS | {Channel.visitor},
    "disclose": RINGING_CHANNELS | {Channel.visitor},
}
_ASKING = RINGING_CHANNELS | {Channel.visitor}


class ItemView(Vertical):
    """Shows ``item`` of ``drill``; ``show`` is called whenever the journal grows."""

    def __init__(self, t, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        self.item: InboxItem | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Static(t("room.no_item"), id="item-header")
        with VerticalScroll(id="item-body"):
            yield Static("", id="item-document")
            yield Static("", id="item-transcript")
        with Horizontal(id="item-questions"):
            for question in Question:
                yield Button(t(f"question_button.{question.value}"), id=f"ask-{question.value}", classes="question")
        with Horizontal(id="item-actions"):
            yield Input(placeholder=t("room.words"), max_length=MAX_WORDS, id="item-words")
            for kind in _BUTTONS:
                yield Button(t(f"action.{kind}"), id=f"do-{kind}", classes="item-action")

    def show(self, drill: Drill, item: InboxItem | None) -> None:
        self.item = item
        header = self.query_one("#item-header", Static)
        if item is None:
            header.update(self.t("room.no_item"))
            scenario = drill.scenario  # before anything arrives: who the trainee is tonight
            briefing = "\n".join(part for part in (scenario.trainee_role, scenario.briefing) if part)
            self.query_one("#item-document", Static).update(literal(briefing))
            self.query_one("#item-transcript", Static).update("")
            self._enable(None)
            return
        inject = item.inject
        source = next((p for p in drill.scenario.people if p.id == inject.source), None)
        title = Text()
        title.append(f"[{self.t(f'channel.{inject.channel.value}')}] ", style="bold")
        title.append_text(literal(inject.summary, "bold"))
        title.append(f"  {clock_text(drill.scenario, item.arrived)}  ·  {self.t(f'state.{item.state.value}')}", style="dim")
        if source is not None and (inject.channel not in RINGING_CHANNELS or item.state.value == "active"):
            title.append_text(literal(f"\n{source.name}  {source.title}  {source.unit}", "italic"))
        header.update(title)
        self.query_one("#item-document", Static).update(self._document(item))
        self.query_one("#item-transcript", Static).update(transcript(drill, inject, self.t))
        self.query_one("#item-body", VerticalScroll).scroll_end(animate=False)  # newest line in view
        self._enable(inject.channel)

    def _document(self, item: InboxItem) -> Text:
        inject = item.inject
        if inject.document is None:
            if inject.channel == Channel.visitor:
                return literal(self.t("room.visitors", count=inject.visitors) + (f"\n{inject.request}" if inject.request else "") + "\n")
            return Text()
        doc, t = inject.document, self.t
        out = Text()
        kind = t("room.telegram_kind." + (doc.telegram_kind or "fax"))
        out.append(f"{kind}\n", style="bold reverse")
        for label, value in ((t("doc.title"), doc.title), (t("doc.sender"), doc.sender_unit), (t("doc.number"), doc.number),
                             (t("doc.addressed_to"), doc.addressed_to), (t("doc.urgency"), t(f"urgency.{doc.urgency.value}")),
                             (t("doc.classification"), t(f"classification.{doc.classification.value}"))):
            if value:
                out.append(f"{label}{t('punct.colon')}", style="bold")
                out.append_text(literal(value + "\n"))
        out.append(f"{t('doc.seal')}{t('punct.colon')}", style="bold")
        out.append(t("doc.present") if doc.sealed else t("doc.missing"), style="green" if doc.sealed else "bold red")
        out.append(f"   {t('doc.signed_off')}{t('punct.colon')}", style="bold")
        out.append(t("doc.present") if doc.signed_off else t("doc.missing"), style="green" if doc.signed_off else "bold red")
        out.append("\n\n")
        out.append_text(literal(doc.body + "\n"))
        return out

    def _enable(self, channel: Channel | None) -> None:
        for kind, channels in _BUTTONS.items():
            self.query_one(f"#do-{kind}", Button).display = channel in channels
        self.query_one("#item-questions").display = channel in _ASKING
        self.query_one("#item-words", Input).display = channel is not None and channel != Channel.message

    def words(self) -> str:
        return strip_controls(self.query_one("#item-words", Input).value).strip()

    @on(Input.Changed, "#item-words")
    def words_changed(self, event: Input.Changed) -> None:
        self.post_message(DraftChanged("item-words", event.value))

    @on(Button.Pressed, ".question")
    def ask(self, event: Button.Pressed) -> None:
        if self.item is not None:
            question = event.button.id.removeprefix("ask-")
            self.post_message(ActionRequested(act.Ask(inject=self.item.inject.id, question=question)))

    @on(Button.Pressed, ".item-action")
    def act_on_item(self, event: Button.Pressed) -> None:
        if self.item is None:
            return
        inject = self.item.inject.id
        kind = event.button.id.removeprefix("do-")
        words = self.words()
        made = {
            "answer": lambda: act.Answer(inject=inject),
            "greet": lambda: act.Greet(inject=inject, text=words or self.t("room.default_greeting")),
            "register_document": lambda: act.RegisterDocument(inject=inject),
            "sign_for_document": lambda: act.SignForDocument(inject=inject),
            "return_document": lambda: act.ReturnDocument(inject=inject, reason=words),
            "receive_visitor": lambda: act.ReceiveVisitor(inject=inject),
            "decline": lambda: act.Decline(inject=inject, reason=words),
            "disclose": lambda: act.Disclose(inject=inject, what=words),
        }[kind]()
        if kind in ("greet", "return_document", "decline", "disclose"):
            self.query_one("#item-words", Input).value = ""
        self.post_message(ActionRequested(made))

    def take_first_step(self) -> None:
        """F2: the obvious first step for the item (answer, receive, register)."""
        if self.item is None:
            return
        for kind in ("answer", "receive_visitor", "register_document"):
            button = self.query_one(f"#do-{kind}", Button)
            if button.display:
                button.press()
                return
