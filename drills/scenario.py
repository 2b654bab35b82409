"""The drill file format: a scenario as a trainer writes it, validated by pydantic.

Times in a drill file are minutes after the drill starts (``at: 4.5``) or a time of
day on the drill clock (``at: "02:13"``). Deadlines never carry numbers: they name a
time limit in the policy (see ``drills.policy``), so an office sets its limits once.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
VariableName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]  # usable as {name}
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$", max_length=120)]
ShortText = Annotated[str, Field(max_length=2_000)]
LongText = Annotated[str, Field(max_length=20_000)]

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Strict(BaseModel):
    """Every drill-file model refuses unknown keys, so a typo is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Difficulty(str, Enum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"


class Competency(str, Enum):
    intake = "intake"
    verification = "verification"
    escalation = "escalation"
    reporting = "reporting"
    documents = "documents"
    reception = "reception"
    handover = "handover"
    confidentiality = "confidentiality"


class Channel(str, Enum):
    phone = "phone"
    fax = "fax"
    telegram = "telegram"
    visitor = "visitor"
    message = "message"
    instruction = "instruction"
    spot_check = "spot_check"


RINGING_CHANNELS = frozenset({Channel.phone, Channel.spot_check})
DOCUMENT_CHANNELS = frozenset({Channel.fax, Channel.telegram})


class Severity(str, Enum):
    critical = "critical"
    major = "major"
    minor = "minor"


class Role(str, Enum):
    """A person's place in the office, which decides whom to escalate to."""

    shift_leader = "shift_leader"  # 带班领导 / 带班副主任
    office_director = "office_director"  # 办公室主任
    leader_in_charge = "leader_in_charge"  # 主管领导
    principal_leader = "principal_leader"  # 主要领导
    duty_colleague = "duty_colleague"
    upper_duty_office = "upper_duty_office"  # 上级值班室 (where reports go)
    unit = "unit"  # a township, department or enterprise contact
    petition_office = "petition_office"  # 信访局
    caller = "caller"
    visitor = "visitor"
    inspector = "inspector"
    other = "other"


# The order in which the office escalates: the first reachable person at or above the
# required level is the right one (design.md, "escalation").
ESCALATION_LADDER = (
    Role.shift_leader,
    Role.office_director,
    Role.leader_in_charge,
    Role.principal_leader,
)


class ReportElement(str, Enum):
    """The elements a report must carry (domain-facts §3), also the questions one can ask."""

    time = "time"
    place = "place"
    source = "source"
    cause = "cause"
    course = "course"
    consequences = "consequences"
    scope = "scope"
    trend = "trend"
    actions = "actions"
    measures = "measures"
    suggestions = "suggestions"


class Question(str, Enum):
    """What a duty officer can ask a caller or visitor."""

    who = "who"  # caller's name, unit and post
    callback = "callback"  # a number to call back on
    time = "time"
    place = "place"
    cause = "cause"
    course = "course"
    consequences = "consequences"
    scope = "scope"
    trend = "trend"
    actions = "actions"
    needs = "needs"  # what the caller asks of us
    who_else_told = "who_else_told"


class ActionKind(str, Enum):
    """Everything a trainee can do; the engine's typed actions mirror these names."""

    answer = "answer"
    greet = "greet"
    ask = "ask"
    log = "log"
    verify = "verify"
    escalate = "escalate"
    report = "report"
    relay = "relay"
    track = "track"
    feedback = "feedback"
    register_document = "register_document"
    sign_for_document = "sign_for_document"
    return_document = "return_document"
    receive_visitor = "receive_visitor"
    refer_visitor = "refer_visitor"
    decline = "decline"
    disclose = "disclose"
    handover = "handover"


class ReportStage(str, Enum):
    initial = "initial"
    follow_up = "follow_up"
    final = "final"
    daily = "daily"


class ReportChannel(str, Enum):
    phone = "phone"
    written = "written"  # ordinary fax or paper
    secure = "secure"  # 机要 / encrypted fax / red phone


class Classification(str, Enum):
    none = "none"
    secret = "secret"  # 秘密
    confidential = "confidential"  # 机密
    top_secret = "top_secret"  # 绝密


class Urgency(str, Enum):
    extra_urgent = "extra_urgent"  # 特急
    urgent = "urgent"  # 加急
    routine = "routine"  # 平急


def parse_drill_time(value: float | int | str) -> float | str:
    """Accept minutes (a number) or a time of day "HH:MM"; clock times resolve later."""
    if isinstance(value, bool):
        raise ValueError("a time is minutes after the start (4.5) or a time of day (\"02:13\")")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("minutes after the start cannot be negative")
        return float(value)
    if isinstance(value, str) and _CLOCK.match(value.strip()):
        return value.strip()
    raise ValueError("a time is minutes after the start (4.5) or a time of day (\"02:13\")")


DrillTime = Annotated[float | str, BeforeValidator(parse_drill_time)]


class Variable(Strict):
    """A value drawn from Faker with the drill's seed, used as ``{name}`` in any text."""

    kind: Literal[
        "name",
        "male_name",
        "female_name",
        "surname",
        "phone",
        "mobile",
        "village",
        "township",
        "county",
        "company",
        "mine",
        "school",
        "plate",
        "choice",
        "number",
    ]
    choices: list[ShortText] | None = None  # for kind "choice"
    low: int | None = None  # for kind "number"
    high: int | None = None

    @model_validator(mode="after")
    def _arguments_match_kind(self) -> Variable:
        if self.kind == "choice" and not self.choices:
            raise ValueError('kind "choice" needs a non-empty "choices" list')
        if self.kind == "number" and (self.low is None or self.high is None or self.low > self.high):
            raise ValueError('kind "number" needs "low" and "high" with low <= high')
        return self


class Person(Strict):
    """Somebody in the directory: a leader, a unit's contact, a caller, an inspector."""

    id: Identifier
    name: ShortText
    title: ShortText = ""
    unit: ShortText = ""
    phone: ShortText = ""
    role: Role = Role.other
    on_duty: bool = False  # on today's roster
    reachable: bool = True  # answers when called
    reachable_after: DrillTime | None = None  # becomes reachable later (a leader in a meeting)
    notes: ShortText = ""


class FactChange(Strict):
    at: DrillTime
    value: ShortText


class Fact(Strict):
    """A piece of ground truth. It may be unknown at first and change over time."""

    id: Identifier
    label: ShortText
    element: ReportElement
    value: ShortText | None = None  # None: nobody knows yet
    changes: list[FactChange] = Field(default_factory=list)
    claimed: ShortText | None = None  # what a source says when it is wrong
    claimed_by: list[Identifier] = Field(default_factory=list)  # injects that say the claim (empty: all)
    confirmed_by: list[Identifier] = Field(default_factory=list)  # who can verify it
    classified: bool = False  # must not go over an open line
    critical: bool = False  # known but left out of a report (or no report at all) is 瞒报


class DocumentHeader(Strict):
    """A fax or telegram as it lies in the tray."""

    title: ShortText
    sender_unit: ShortText
    number: ShortText = ""  # 部门号, e.g. 县应急明电〔2026〕8号
    addressed_to: ShortText = ""  # 发往
    urgency: Urgency = Urgency.routine
    classification: Classification = Classification.none
    telegram_kind: Literal["plain", "cipher"] | None = None  # 明电 / 密电, telegrams only
    sealed: bool = True  # 公章
    signed_off: bool = True  # 签批
    body: LongText = ""


class Answer(Strict):
    """What the caller says to one question: facts (their value at the moment) or a line."""

    facts: list[Identifier] = Field(default_factory=list)
    says: ShortText = ""


class Inject(Strict):
    """A timed event delivered to the trainee, or a contingency fired by a condition."""

    id: Identifier
    channel: Channel
    at: DrillTime | None = None
    when: Trigger | None = None
    delay: float = Field(default=0, ge=0, le=24 * 60)  # minutes after the trigger
    source: Identifier  # the person calling, sending or walking in
    summary: ShortText  # the inbox line
    opening: LongText = ""  # what the caller says first, or the message text
    volunteers: list[Identifier] = Field(default_factory=list)  # facts said unasked
    answers: dict[Question, Answer] = Field(default_factory=dict)
    document: DocumentHeader | None = None
    visitors: int = Field(default=1, ge=1, le=10_000)
    request: ShortText = ""  # what a visitor or caller wants (declined or referred)
    rings: int | None = Field(default=None, ge=1, le=60)  # None: the policy's ring limit
    ring_again_after: float | None = Field(default=None, gt=0, le=24 * 60)  # minutes after a missed call
    rings_again: int = Field(default=2, ge=1, le=20)  # how many more times an unanswered caller tries

    def wording(self) -> str:
        """The exact words to pass on when relaying: an instruction's text or a document's body."""
        return self.opening or (self.document.body if self.document else "") or self.summary

    @model_validator(mode="after")
    def _timing_and_channel(self) -> Inject:
        if (self.at is None) == (self.when is None):
            raise ValueError('an inject needs exactly one of "at" (a time) or "when" (a trigger)')
        if self.channel in DOCUMENT_CHANNELS and self.document is None:
            raise ValueError(f'a {self.channel.value} inject needs a "document"')
        if self.channel not in DOCUMENT_CHANNELS and self.document is not None:
            raise ValueError('only fax and telegram injects carry a "document"')
        return self


class Trigger(Strict):
    """When a contingency fires: an expectation missed at its deadline, or an action taken."""

    missed: Identifier | None = None
    action: ActionKind | None = None
    target: Identifier | None = None  # person id or role for the action
    inject: Identifier | None = None  # the action was about this inject

    @model_validator(mode="after")
    def _one_condition(self) -> Trigger:
        if (self.missed is None) == (self.action is None):
            raise ValueError('a trigger needs exactly one of "missed" or "action"')
        if self.missed is not None and (self.target or self.inject):
            raise ValueError('"target" and "inject" go with "action", not with "missed"')
        return self


class Deadline(Strict):
    """A named time limit from the policy, counted from the inject or another moment."""

    limit: Identifier  # a policy name
    after: str = "inject"  # "inject", "met:<expectation>" or "change:<fact>"

    @field_validator("after")
    @classmethod
    def _known_anchor(cls, value: str) -> str:
        if value == "inject" or re.match(r"^(met|change):[a-z0-9][a-z0-9_.-]*$", value):
            return value
        raise ValueError('"after" is "inject", "met:<expectation id>" or "change:<fact id>"')


class Expectation(Strict):
    """What a good duty officer does about an inject, and what it is worth."""

    id: Identifier
    inject: Identifier
    action: ActionKind
    avoid: bool = False  # the action must NOT be taken (disclosing, reporting a rumour)
    target: Identifier | None = None  # person id or role
    question: Question | None = None
    stage: ReportStage | None = None
    channel: ReportChannel | None = None
    elements: list[ReportElement] = Field(default_factory=list)  # a report must carry these
    facts: list[Identifier] = Field(default_factory=list)  # a log or report must hold these
    # Written in full or as just the policy name (``deadline: answer_phone``); the
    # validator below turns the short form into a Deadline, so code always sees one.
    deadline: Deadline | Identifier | None = None
    points: int = Field(ge=0, le=100)
    severity: Severity = Severity.minor
    competency: Competency | None = None  # default follows from the action
    rule: RuleId
    description: ShortText = ""

    @field_validator("deadline", mode="before")
    @classmethod
    def _short_deadline(cls, value: object) -> object:
        return {"limit": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _arguments_fit_action(self) -> Expectation:
        if self.action == ActionKind.ask and self.question is None:
            raise ValueError('an "ask" expectation needs a "question"')
        if self.action == ActionKind.report and self.stage is None:
            raise ValueError('a "report" expectation needs a "stage"')
        if self.avoid and self.deadline is not None:
            raise ValueError('an "avoid" expectation has no deadline: it holds for the whole drill')
        return self


class Scenario(Strict):
    """One drill file."""

    schema_version: Literal[1] = SCHEMA_VERSION
    id: Identifier
    title: ShortText
    language: Literal["zh", "en"]
    difficulty: Difficulty
    competencies: list[Competency] = Field(min_length=1)
    description: LongText
    start: Annotated[str, Field(pattern=_CLOCK.pattern)]  # time of day the drill opens
    length: float = Field(gt=0, le=24 * 60)  # minutes of drill time
    speed: float = Field(default=1.0, gt=0, le=120)  # drill seconds per real second
    unit: ShortText  # the trainee's own duty room, named when answering (自报单位)
    unit_aliases: list[ShortText] = Field(default_factory=list)  # short names that also count
    trainee_role: ShortText = ""
    briefing: LongText = ""
    variables: dict[VariableName, Variable] = Field(default_factory=dict)
    people: list[Person] = Field(min_length=1)
    facts: list[Fact] = Field(default_factory=list)
    injects: list[Inject] = Field(min_length=1)
    expectations: list[Expectation] = Field(default_factory=list)


Inject.model_rebuild()
