"""What a trainee can do, as typed actions in the domain's words.

Each action costs drill time (``DURATION_MINUTES``): a verification call takes minutes,
so the score depends on what the trainee chose and in which order, not on typing speed.
Actions are pydantic models so that playbook files and the journal round-trip them.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from drills.scenario import (
    ActionKind,
    Identifier,
    LongText,
    Question,
    ReportChannel,
    ReportElement,
    ReportStage,
    ShortText,
)


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def action_kind(self) -> ActionKind:
        return ActionKind(self.kind)  # type: ignore[attr-defined]


class Answer(_Action):
    """Pick up a ringing phone or spot-check call."""

    kind: Literal["answer"] = "answer"
    inject: Identifier


class Greet(_Action):
    """Say the opening words; naming the unit is 自报单位."""

    kind: Literal["greet"] = "greet"
    inject: Identifier
    text: ShortText


class Ask(_Action):
    kind: Literal["ask"] = "ask"
    inject: Identifier
    question: Question


class LogEntry(_Action):
    """A duty-log (值班记录) entry; fields are the log's columns, free text each."""

    kind: Literal["log"] = "log"
    inject: Identifier
    fields: dict[Annotated[str, Field(max_length=40)], ShortText] = Field(default_factory=dict)


class Verify(_Action):
    """Call a unit or a second source back to confirm what was reported."""

    kind: Literal["verify"] = "verify"
    inject: Identifier
    person: Identifier


class Escalate(_Action):
    """Report to a leader and ask for instructions (请示汇报)."""

    kind: Literal["escalate"] = "escalate"
    inject: Identifier
    person: Identifier
    summary: LongText = ""


class FileReport(_Action):
    """An initial, follow-up, final or daily report to the upper level."""

    kind: Literal["report"] = "report"
    inject: Identifier
    stage: ReportStage
    channel: ReportChannel
    recipient: Identifier | None = None
    elements: dict[ReportElement, LongText] = Field(default_factory=dict)
    unconfirmed: list[ReportElement] = Field(default_factory=list)  # marked 待核实
    signed_off: bool = False
    sealed: bool = False


class Relay(_Action):
    """Pass a leader's instruction on to the units, word for word (传)."""

    kind: Literal["relay"] = "relay"
    inject: Identifier
    to: list[Identifier] = Field(min_length=1)
    text: LongText


class Track(_Action):
    """Chase a unit on an open item (跟)."""

    kind: Literal["track"] = "track"
    inject: Identifier
    person: Identifier


class Feedback(_Action):
    """Report the outcome of an instruction or item back to the leader."""

    kind: Literal["feedback"] = "feedback"
    inject: Identifier
    person: Identifier
    text: LongText = ""


class RegisterDocument(_Action):
    kind: Literal["register_document"] = "register_document"
    inject: Identifier


class SignForDocument(_Action):
    kind: Literal["sign_for_document"] = "sign_for_document"
    inject: Identifier


class ReturnDocument(_Action):
    """Send a document back to its sender, e.g. for the missing seal."""

    kind: Literal["return_document"] = "return_document"
    inject: Identifier
    reason: ShortText


class ReceiveVisitor(_Action):
    kind: Literal["receive_visitor"] = "receive_visitor"
    inject: Identifier


class ReferVisitor(_Action):
    kind: Literal["refer_visitor"] = "refer_visitor"
    inject: Identifier
    person: Identifier


class Decline(_Action):
    """Politely refuse a request that the rules forbid (a leader's whereabouts, say)."""

    kind: Literal["decline"] = "decline"
    inject: Identifier
    reason: ShortText = ""


class Disclose(_Action):
    """Tell a caller what they asked for; wrong when the rules forbid it."""

    kind: Literal["disclose"] = "disclose"
    inject: Identifier
    what: ShortText = ""


class Handover(_Action):
    """The end-of-shift note: situation, open items, instructions, equipment (三清)."""

    kind: Literal["handover"] = "handover"
    inject: Identifier
    situation: LongText = ""
    open_items: LongText = ""
    instructions: LongText = ""
    equipment: LongText = ""


Action = Annotated[
    Union[
        Answer, Greet, Ask, LogEntry, Verify, Escalate, FileReport, Relay, Track, Feedback,
        RegisterDocument, SignForDocument, ReturnDocument, ReceiveVisitor, ReferVisitor,
        Decline, Disclose, Handover,
    ],
    Field(discriminator="kind"),
]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)

# Drill minutes each action takes. A report by phone is a short call; a written one
# must be drafted, signed off and sent.
DURATION_MINUTES: dict[ActionKind, float] = {
    ActionKind.answer: 0.1,
    ActionKind.greet: 0.1,
    ActionKind.ask: 0.5,
    ActionKind.log: 2.0,
    ActionKind.verify: 4.0,
    ActionKind.escalate: 2.0,
    ActionKind.report: 3.0,
    ActionKind.relay: 3.0,
    ActionKind.track: 3.0,
    ActionKind.feedback: 2.0,
    ActionKind.register_document: 1.0,
    ActionKind.sign_for_document: 0.5,
    ActionKind.return_document: 2.0,
    ActionKind.receive_visitor: 1.0,
    ActionKind.refer_visitor: 3.0,
    ActionKind.decline: 0.5,
    ActionKind.disclose: 0.5,
    ActionKind.handover: 5.0,
}
WRITTEN_REPORT_MINUTES = 10.0


def duration_minutes(action: Action) -> float:
    if isinstance(action, FileReport) and action.channel != ReportChannel.phone:
        return WRITTEN_REPORT_MINUTES
    return DURATION_MINUTES[action.action_kind]


def action_target(action: Action) -> str | None:
    """The person an action is addressed to, where it has one."""
    for field in ("person", "recipient"):
        value = getattr(action, field, None)
        if value:
            return value
    to = getattr(action, "to", None)
    return to[0] if to else None
