"""How well a matching action was done, action by action (reports are in ``reports.py``).

A judge looks at the first action that met an expectation and returns a ``Verdict``:
the share of the points it earns, whether it counts as done wrong, and the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from drills.evidence import TakenAction
from drills.matching import right_escalation_person
from drills.scenario import ESCALATION_LADDER, ActionKind, Expectation, Role
from scoring.context import AttemptContext
from scoring.scorecard import Evidence, ReportingFailure
from scoring.text_match import carries, normalize, same_words


@dataclass
class Verdict:
    share: float = 1.0  # of the expectation's points, before any lateness
    wrong: bool = False
    failure: ReportingFailure | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def deduct(self, share: float, what: str, at: float | None, **detail) -> None:
        self.share = max(0.0, self.share - share)
        self.evidence.append(Evidence(at, what, detail))


Judge = Callable[[Expectation, AttemptContext, TakenAction], Verdict]


def judge_answer(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    """Answering is judged by its deadline; the rings it took are the evidence a trainee can grasp."""
    verdict = Verdict()
    verdict.evidence.append(Evidence(taken.at, "rings", {"rings": taken.reply.get("rings"),
                                                         "called_back": taken.reply.get("called_back", False)}))
    return verdict


def judge_greeting(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    verdict = Verdict()
    names = [context.scenario.unit, *context.scenario.unit_aliases]
    if not any(normalize(name) and normalize(name) in normalize(taken.action.text) for name in names):
        verdict.deduct(1.0, "unit_not_named", taken.at, said=taken.action.text, unit=context.scenario.unit)
        verdict.wrong = True
    return verdict


def missing_facts(expectation: Expectation, context: AttemptContext, text: str, moment: float) -> list[str]:
    """Required facts the trainee had heard by ``moment`` but the text does not carry."""
    heard = context.heard(moment)
    return [fact_id for fact_id in expectation.facts if heard.get(fact_id) and not carries(text, heard[fact_id])]


def judge_log(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    verdict = Verdict()
    fields = taken.action.fields
    written = " ".join(fields.values())
    empty = [name for name in ("caller", "phone", "content") if not fields.get(name, "").strip()]
    if empty:
        verdict.deduct(0.1 * len(empty), "missing_fields", taken.at, fields=empty)
    lost = missing_facts(expectation, context, written, taken.at)
    if lost and expectation.facts:
        verdict.deduct(0.7 * len(lost) / len(expectation.facts), "missing_facts", taken.at, facts=lost)
    return verdict


def _rung(role: Role) -> int | None:
    return ESCALATION_LADDER.index(role) if role in ESCALATION_LADDER else None


def _right_person(expectation: Expectation, context: AttemptContext, moment: float):
    target = expectation.target
    if target in context.people:
        return context.people[target]
    if target is not None and Role(target) in ESCALATION_LADDER:
        return right_escalation_person(context.scenario, Role(target), moment)
    return None


def escalation_evidence(expectation: Expectation, context: AttemptContext, tries: list[TakenAction]) -> Verdict:
    """Classify escalations to someone other than the right person: too low, too high, unreached."""
    verdict = Verdict(share=0.0, wrong=True)
    for taken in tries:
        person = context.people[taken.action.person]
        right = _right_person(expectation, context, taken.at)
        if not taken.reply.get("reached"):
            verdict.evidence.append(Evidence(taken.at, "not_reached", {"person": person.id}))
            continue
        mine, theirs = _rung(person.role), _rung(right.role) if right else None
        if mine is not None and theirs is not None and mine > theirs:
            verdict.share = max(verdict.share, 0.5)  # over-escalation: the matter still reached a leader
            verdict.evidence.append(Evidence(taken.at, "over_escalation", {"person": person.id, "right": right.id}))
        else:
            verdict.evidence.append(Evidence(taken.at, "under_escalation" if mine is not None else "wrong_person",
                                             {"person": person.id, "right": right.id if right else None}))
    return verdict


def judge_escalation(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    """Met; but going over the right person's head as well still costs a quarter."""
    verdict = Verdict()
    right = context.people[taken.action.person]
    expected_too = {_right_person(other, context, taken.at) for other in context.scenario.expectations
                    if other.inject == expectation.inject and other.action == expectation.action and other is not expectation}
    for other in context.candidates(expectation):
        person = context.people[other.action.person]
        if person in expected_too:
            continue  # the drill asks for this leader too: going there first is no fault
        if other.at <= taken.at and _rung(person.role) is not None and _rung(right.role) is not None \
                and _rung(person.role) > _rung(right.role) and other.reply.get("reached"):
            verdict.deduct(0.25, "over_escalation", other.at, person=person.id, right=right.id)
            break
    return verdict


def judge_relay(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    verdict = Verdict()
    original = context.injects[expectation.inject].wording()
    if not same_words(taken.action.text, original):
        verdict.deduct(0.7, "altered", taken.at, relayed=taken.action.text, original=original)
        verdict.wrong = True
    return verdict


def _needs_text(field_name: str, what: str) -> Judge:
    def judge(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
        verdict = Verdict()
        if not getattr(taken.action, field_name).strip():
            verdict.deduct(0.5, what, taken.at)
        return verdict
    return judge


def judge_handover(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    verdict = Verdict()
    note = taken.action
    empty = [name for name in ("situation", "open_items", "instructions", "equipment") if not getattr(note, name).strip()]
    if empty:
        verdict.deduct(0.2 * len(empty), "handover_parts_missing", taken.at, parts=empty)
    text = " ".join((note.situation, note.open_items, note.instructions, note.equipment))
    lost = missing_facts(expectation, context, text, taken.at)
    if lost and expectation.facts:
        verdict.deduct(0.6 * len(lost) / len(expectation.facts), "missing_facts", taken.at, facts=lost)
    if verdict.share < 0.5:
        verdict.wrong = True
    return verdict


def no_judgement(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    return Verdict()


JUDGES: dict[ActionKind, Judge] = {
    ActionKind.answer: judge_answer,
    ActionKind.greet: judge_greeting,
    ActionKind.log: judge_log,
    ActionKind.escalate: judge_escalation,
    ActionKind.relay: judge_relay,
    ActionKind.feedback: _needs_text("text", "empty_feedback"),
    ActionKind.return_document: _needs_text("reason", "no_reason_given"),
    ActionKind.handover: judge_handover,
}
