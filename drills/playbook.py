"""Playbooks: timed trainee actions for headless runs and golden tests.

``idle`` does nothing. ``ideal`` is built from the expectations and meets every one; its
actions are decided at the moment they are taken, from what the trainee has heard by
then, as a good duty officer would. Any other playbook is a YAML file:

    actions:
      - {at: 3.1, kind: answer, inject: night_call}
      - {at: "02:15", kind: ask, inject: night_call, question: place}
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from drills import actions as act
from drills.engine import ActionRefused, Drill
from drills.evidence import facts_confirmed, facts_heard
from drills.loader import DrillFileError, Problem, read_yaml
from drills.matching import people_by_id, right_escalation_person
from drills.scenario import ESCALATION_LADDER, ActionKind, Expectation, ReportChannel, Role, Scenario
from drills.scenario import parse_drill_time
from drills.timing import at_seconds, clock_text, first_change_seconds

BUILT_IN = ("ideal", "idle")

# The order a good officer works an item in, so the ideal run reads naturally.
_WORK_ORDER = [
    ActionKind.answer, ActionKind.greet, ActionKind.receive_visitor, ActionKind.register_document,
    ActionKind.sign_for_document, ActionKind.ask, ActionKind.decline, ActionKind.disclose, ActionKind.log, ActionKind.escalate,
    ActionKind.verify, ActionKind.report, ActionKind.relay, ActionKind.return_document,
    ActionKind.refer_visitor, ActionKind.track, ActionKind.feedback, ActionKind.handover,
]

_IDEAL_WORDS = {
    "zh": {"greeting": "您好，这里是{unit}值班室。", "return": "未加盖公章、未经签批，请补办后重新报送。",
           "decline": "按规定不能提供，请留下单位和电话，我们核实后回复。", "feedback": "已按批示办理，情况如下：", "disclose": "如实告知所问情况。",
           "unknown": "待核实"},
    "en": {"greeting": "Hello, {unit} duty room.", "return": "No seal and no sign-off: please seal, sign and resend.",
           "decline": "I cannot give that out; please leave your unit and number and we will call you back.",
           "feedback": "Done as instructed; the outcome:", "disclose": "Told what was asked, as it stands.", "unknown": "to be confirmed"},
}


@dataclass(frozen=True)
class PlannedAction:
    at: float  # drill seconds; the action is taken then, or as soon as the officer is free
    make: Callable[[Drill], act.Action]
    source: str = ""  # where it came from, for messages
    order: int = 0  # breaks ties between actions planned for the same moment


def load_playbook(path: Path, scenario: Scenario) -> list[PlannedAction]:
    """A playbook file; every problem is reported with its line, nothing raised past here."""
    loaded = read_yaml(path)
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get("actions"), list):
        raise DrillFileError([loaded.problem((), "a playbook is a mapping with an 'actions' list")])
    planned, problems = [], []
    for index, item in enumerate(data["actions"]):
        where = ("actions", index)
        if not isinstance(item, dict) or "at" not in item:
            problems.append(loaded.problem(where, "each action needs 'at' (minutes, or a time of day) and 'kind'"))
            continue
        fields = {key: value for key, value in item.items() if key != "at"}
        try:
            when = at_seconds(parse_drill_time(item["at"]), scenario)
            action = act.ACTION_ADAPTER.validate_python(fields)
        except (ValueError, ValidationError) as error:
            message = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
            problems.append(loaded.problem(where, message))
            continue
        line = loaded.locate(where)[0]
        planned.append(PlannedAction(when, lambda drill, a=action: a, f"{loaded.path}:{line}"))
    if problems:
        raise DrillFileError(problems)
    return planned


Reaction = Callable[[Drill], list[PlannedAction]]


def run_playbook(drill: Drill, planned: list[PlannedAction], react: Reaction | None = None) -> list[Problem]:
    """Take each action at its time (or when free); refusals come back as problems.

    ``react`` is asked after every action for more steps (the ideal officer answers the
    contingencies its own actions set off).
    """
    refusals = []
    counter = itertools.count()  # keeps equal steps in the order they were planned
    queue = [(step.at, step.order, next(counter), step) for step in planned]
    heapq.heapify(queue)
    while queue and not drill.ended:
        step = heapq.heappop(queue)[3]
        drill.run_until(step.at)
        if drill.ended:
            break
        try:
            drill.act(step.make(drill))
        except ActionRefused as refusal:
            path, _, line = step.source.rpartition(":")
            refusals.append(Problem(path or step.source, int(line) if line.isdigit() else 1, 1, str(refusal)))
        for extra in react(drill) if react is not None else []:
            heapq.heappush(queue, (extra.at, extra.order, next(counter), extra))
    drill.run_until(drill.end_at)
    return refusals


def ideal_playbook(scenario: Scenario) -> list[PlannedAction]:
    """One action per expectation of the timed injects, at its earliest sensible moment."""
    arrivals = {inject.id: at_seconds(inject.at, scenario) for inject in scenario.injects if inject.at is not None}
    return _plan_ideal(scenario, arrivals)


def ideal_reactions(scenario: Scenario) -> Reaction:
    """Plans for contingencies the ideal run itself set off, from when they arrive."""
    planned: set[str] = set()

    def react(drill: Drill) -> list[PlannedAction]:
        arrivals = {entry.data["inject"]: entry.data["arrives"] for entry in drill.journal
                    if entry.kind == "contingency_fired" and entry.data["inject"] not in planned}
        planned.update(arrivals)
        return _plan_ideal(scenario, arrivals) if arrivals else []

    return react


def built_in_playbook(name: str, scenario: Scenario) -> tuple[list[PlannedAction], Reaction | None]:
    """``ideal`` (with its reactions) or ``idle``."""
    if name == "ideal":
        return ideal_playbook(scenario), ideal_reactions(scenario)
    return [], None


def _plan_ideal(scenario: Scenario, arrivals: dict[str, float]) -> list[PlannedAction]:
    facts = {fact.id: fact for fact in scenario.facts}
    expectations = {e.id: e for e in scenario.expectations}
    planned: list[PlannedAction] = []

    def earliest(expectation: Expectation) -> float | None:
        start = arrivals.get(expectation.inject)
        if start is None:
            return None  # its inject does not come (yet)
        anchor = expectation.deadline.after if expectation.deadline else "inject"
        if anchor.startswith("change:"):
            start = max(start, first_change_seconds(facts[anchor[7:]], scenario) or start)
        elif anchor.startswith("met:"):
            start = max(start, earliest(expectations[anchor[4:]]) or start)
        return start

    for expectation in scenario.expectations:
        if expectation.avoid:
            continue
        moment = earliest(expectation)
        if moment is not None:
            order = _WORK_ORDER.index(expectation.action)
            planned.append(PlannedAction(moment, _ideal_action(expectation), f"ideal:{expectation.id}", order))
    return planned


def _person_for(expectation: Expectation, drill: Drill) -> str:
    target = expectation.target
    people = people_by_id(drill.scenario)
    if target is None or target in people:
        return target or drill.scenario.people[0].id
    role = Role(target)
    if role in ESCALATION_LADDER:
        person = right_escalation_person(drill.scenario, role, drill.now)
        if person is not None:
            return person.id
    return next(person.id for person in drill.scenario.people if person.role == role)


def _ideal_action(expectation: Expectation) -> Callable[[Drill], act.Action]:
    def make(drill: Drill) -> act.Action:
        scenario = drill.scenario
        words = _IDEAL_WORDS[scenario.language]
        inject = expectation.inject
        kind = expectation.action
        if kind == ActionKind.answer:
            return act.Answer(inject=inject)
        if kind == ActionKind.greet:
            return act.Greet(inject=inject, text=words["greeting"].format(unit=scenario.unit))
        if kind == ActionKind.ask:
            return act.Ask(inject=inject, question=expectation.question)
        if kind == ActionKind.log:
            return act.LogEntry(inject=inject, fields=_log_fields(drill, inject))
        if kind in (ActionKind.verify, ActionKind.escalate, ActionKind.track, ActionKind.refer_visitor):
            model = {ActionKind.verify: act.Verify, ActionKind.escalate: act.Escalate,
                     ActionKind.track: act.Track, ActionKind.refer_visitor: act.ReferVisitor}[kind]
            return model(inject=inject, person=_person_for(expectation, drill))
        if kind == ActionKind.report:
            return _ideal_report(expectation, drill)
        if kind == ActionKind.relay:
            return act.Relay(inject=inject, to=[_person_for(expectation, drill)], text=drill.inbox[inject].inject.wording())
        if kind == ActionKind.feedback:
            heard = "；".join(v for v in facts_heard(drill.journal, inject).values() if v) or drill.inbox[inject].inject.summary
            return act.Feedback(inject=inject, person=_person_for(expectation, drill), text=f"{words['feedback']}{heard}")
        if kind == ActionKind.return_document:
            return act.ReturnDocument(inject=inject, reason=words["return"])
        if kind == ActionKind.decline:
            return act.Decline(inject=inject, reason=words["decline"])
        if kind == ActionKind.disclose:  # expected where telling is right (an inspector's question)
            return act.Disclose(inject=inject, what=words["disclose"])
        if kind == ActionKind.handover:
            return _ideal_handover(drill, inject)
        simple = {ActionKind.register_document: act.RegisterDocument, ActionKind.sign_for_document: act.SignForDocument,
                  ActionKind.receive_visitor: act.ReceiveVisitor}
        return simple[kind](inject=inject)

    return make


def _log_fields(drill: Drill, inject_id: str) -> dict[str, str]:
    item = drill.inbox[inject_id]
    source = people_by_id(drill.scenario)[item.inject.source]
    fields = {"caller": source.name, "unit": source.unit, "phone": source.phone,
              "received": clock_text(drill.scenario, item.arrived), "content": item.inject.summary}
    facts = {fact.id: fact for fact in drill.scenario.facts}
    for fact_id, value in facts_heard(drill.journal, inject_id).items():
        element = facts[fact_id].element.value
        fields[element] = f"{fields[element]}；{value}" if element in fields and value else (value or fields.get(element, ""))
    return fields


def _ideal_report(expectation: Expectation, drill: Drill) -> act.FileReport:
    scenario = drill.scenario
    facts = {fact.id: fact for fact in scenario.facts}
    heard = facts_heard(drill.journal)
    confirmed = facts_confirmed(drill.journal)
    # What this report is about: the item's own facts and those the expectation names, not
    # everything heard tonight (a leader's whereabouts has no place in a disaster report).
    inject = drill.inbox[expectation.inject].inject
    relevant = set(expectation.facts) | set(inject.volunteers) | {f for a in inject.answers.values() for f in a.facts}
    elements: dict = {}
    unconfirmed = set()
    for fact_id, value in heard.items():
        fact = facts[fact_id]
        if value is None or fact_id not in relevant:
            continue
        elements[fact.element] = f"{elements[fact.element]}；{value}" if fact.element in elements else value
        if fact.confirmed_by and fact_id not in confirmed:
            unconfirmed.add(fact.element)
    for element in expectation.elements:
        elements.setdefault(element, _IDEAL_WORDS[scenario.language]["unknown"])
    channel = expectation.channel or ReportChannel.phone
    recipient = _person_for(expectation, drill) if expectation.target else None
    return act.FileReport(
        inject=expectation.inject, stage=expectation.stage, channel=channel, recipient=recipient,
        elements=elements, unconfirmed=sorted(unconfirmed), signed_off=channel != ReportChannel.phone,
        sealed=channel != ReportChannel.phone,
    )


def _ideal_handover(drill: Drill, inject_id: str) -> act.Handover:
    open_items = [item.inject.summary for item in drill.inbox.values() if item.inject.id != inject_id]
    heard = [value for value in facts_heard(drill.journal).values() if value]
    instructions = [item.inject.opening for item in drill.inbox.values() if item.inject.channel.value == "instruction"]
    return act.Handover(
        inject=inject_id,
        situation="；".join(heard) or "—",
        open_items="；".join(open_items) or "—",
        instructions="；".join(instructions) or "—",
        equipment="电话、传真、值班系统正常" if drill.scenario.language == "zh" else "Phones, fax and duty system working",
    )
