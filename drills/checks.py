"""The checks behind ``dutydrill scenario check`` that the schema alone cannot make.

Unknown or duplicate ids, references to people, facts, injects or policy names that do
not exist, placeholders without a variable, deadlines after the drill ends, actions that
do not fit the channel, contingencies that can never fire, and (when the rulebook is
given) rule ids it lacks. Each problem points at the line and column it is about.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from drills.loader import LoadedFile, Problem
from drills.policy import Policy
from drills.scenario import DOCUMENT_CHANNELS, RINGING_CHANNELS, ActionKind, Channel, Role, Scenario
from drills.timing import at_seconds, first_change_seconds, length_seconds, limit_seconds
from drills.variables import PLACEHOLDER

_ROLE_NAMES = {role.value for role in Role}
_TARGETED_ACTIONS = {ActionKind.verify, ActionKind.escalate, ActionKind.relay, ActionKind.track,
                     ActionKind.feedback, ActionKind.refer_visitor, ActionKind.report}

# Which actions make sense on which channel.
_CHANNEL_ACTIONS = {
    ActionKind.answer: RINGING_CHANNELS,
    ActionKind.greet: RINGING_CHANNELS,
    ActionKind.register_document: DOCUMENT_CHANNELS,
    ActionKind.sign_for_document: DOCUMENT_CHANNELS,
    ActionKind.return_document: DOCUMENT_CHANNELS,
    ActionKind.receive_visitor: frozenset({Channel.visitor}),
    ActionKind.refer_visitor: frozenset({Channel.visitor}),
    ActionKind.relay: frozenset({Channel.instruction, Channel.message, Channel.fax, Channel.telegram}),
}


def check_scenario(
    scenario: Scenario, loaded: LoadedFile, policy: Policy, rule_ids: set[str] | None = None
) -> list[Problem]:
    """Every cross-reference problem in one drill; an empty list means it is sound."""
    problems: list[Problem] = []

    def report(loc: tuple, message: str) -> None:
        problems.append(loaded.problem(loc, message))

    people = {person.id for person in scenario.people}
    facts = {fact.id: fact for fact in scenario.facts}
    injects = {inject.id: inject for inject in scenario.injects}
    expectations = {e.id: e for e in scenario.expectations}
    length = length_seconds(scenario)

    for section, items in (("people", scenario.people), ("facts", scenario.facts),
                           ("injects", scenario.injects), ("expectations", scenario.expectations)):
        counts = Counter(item.id for item in items)
        for index, item in enumerate(items):
            if counts[item.id] > 1:
                report((section, index, "id"), f"duplicate id {item.id!r} in {section}")

    def person_or_role(value: str | None, loc: tuple) -> None:
        if value is not None and value not in people and value not in _ROLE_NAMES:
            report(loc, f"{value!r} is neither a person id in 'people' nor a role")

    for index, fact in enumerate(scenario.facts):
        if fact.claimed is not None and not fact.confirmed_by:
            report(("facts", index, "claimed"), "a claimed value needs 'confirmed_by': nobody could ever correct it")
        for j, inject_id in enumerate(fact.claimed_by):
            if inject_id not in injects:
                report(("facts", index, "claimed_by", j), f"no inject {inject_id!r} in 'injects'")
        for j, person in enumerate(fact.confirmed_by):
            if person not in people:
                report(("facts", index, "confirmed_by", j), f"no person {person!r} in 'people'")
        for j, change in enumerate(fact.changes):
            if at_seconds(change.at, scenario) > length:
                report(("facts", index, "changes", j, "at"), "this change comes after the drill ends")

    for index, inject in enumerate(scenario.injects):
        where = ("injects", index)
        if inject.source not in people:
            report(where + ("source",), f"no person {inject.source!r} in 'people'")
        for j, fact_id in enumerate(inject.volunteers):
            if fact_id not in facts:
                report(where + ("volunteers", j), f"no fact {fact_id!r} in 'facts'")
        for question, answer in inject.answers.items():
            for j, fact_id in enumerate(answer.facts):
                if fact_id not in facts:
                    report(where + ("answers", question.value, "facts", j), f"no fact {fact_id!r} in 'facts'")
        if inject.at is not None and at_seconds(inject.at, scenario) >= length:
            report(where + ("at",), "this inject comes at or after the end of the drill")
        if inject.channel not in RINGING_CHANNELS and (inject.rings or inject.ring_again_after):
            report(where + ("rings",), f"only phone calls ring; this is a {inject.channel.value}")
        if inject.at is not None and inject.delay:
            report(where + ("delay",), "'delay' goes with 'when'; a timed inject comes exactly 'at'")
        if inject.channel == Channel.fax and inject.document is not None and inject.document.telegram_kind:
            report(where + ("document", "telegram_kind"), "a fax has no telegram kind; use channel: telegram")
        if inject.when is not None:
            problems.extend(_trigger_problems(scenario, loaded, index, people, injects, expectations, policy))

    for index, expectation in enumerate(scenario.expectations):
        where = ("expectations", index)
        inject = injects.get(expectation.inject)
        if inject is None:
            report(where + ("inject",), f"no inject {expectation.inject!r} in 'injects'")
            continue
        person_or_role(expectation.target, where + ("target",))
        if expectation.target is not None and expectation.action not in _TARGETED_ACTIONS:
            report(where + ("target",), f"'{expectation.action.value}' has no target; this could never be met")
        if expectation.question is not None and expectation.action != ActionKind.ask:
            report(where + ("question",), "'question' goes with action 'ask' only")
        for field in ("stage", "channel"):
            if getattr(expectation, field) is not None and expectation.action != ActionKind.report:
                report(where + (field,), f"'{field}' goes with action 'report' only")
        allowed = _CHANNEL_ACTIONS.get(expectation.action)
        if allowed is not None and inject.channel not in allowed:
            report(where + ("action",), f"'{expectation.action.value}' does not fit a {inject.channel.value} inject")
        for j, fact_id in enumerate(expectation.facts):
            if fact_id not in facts:
                report(where + ("facts", j), f"no fact {fact_id!r} in 'facts'")
        if rule_ids is not None and expectation.rule not in rule_ids:
            report(where + ("rule",), f"the rulebook has no section {expectation.rule!r}")
        if expectation.deadline is not None:
            problems.extend(_deadline_problems(scenario, loaded, index, policy, facts, expectations))

    for loc, text in _texts(loaded.data, ()):
        for name in PLACEHOLDER.findall(text):
            if name not in scenario.variables:
                report(loc, f"{{{name}}} is used but no variable {name!r} is declared")
    return problems


def _deadline_problems(scenario: Scenario, loaded: LoadedFile, index: int, policy: Policy,
                       facts: dict, expectations: dict) -> Iterable[Problem]:
    expectation = scenario.expectations[index]
    deadline = expectation.deadline
    where = ("expectations", index, "deadline")
    if deadline.limit not in policy.limits:
        yield loaded.problem(where, f"the policy has no time limit named {deadline.limit!r}")
        return
    anchor_kind, _, anchor_id = deadline.after.partition(":")
    if anchor_kind == "change" and anchor_id not in facts:
        yield loaded.problem(where, f"no fact {anchor_id!r} to count from")
        return
    if anchor_kind == "change" and not facts[anchor_id].changes:
        yield loaded.problem(where, f"fact {anchor_id!r} never changes: this deadline would never start")
        return
    if anchor_kind == "met" and anchor_id not in expectations:
        yield loaded.problem(where, f"no expectation {anchor_id!r} to count from")
        return
    anchor = _anchor_seconds(scenario, expectation, facts)
    if anchor is None:
        return
    due = limit_seconds(deadline, policy, anchor, scenario)
    if due > length_seconds(scenario):
        yield loaded.problem(where, f"the deadline ({deadline.limit}) falls after the drill ends")


def _anchor_seconds(scenario: Scenario, expectation, facts: dict) -> float | None:
    """When a deadline starts counting, if the drill file alone can tell (None otherwise)."""
    inject = next((i for i in scenario.injects if i.id == expectation.inject), None)
    if inject is None or inject.at is None:
        return None  # unknown, or a contingency whose time depends on the run
    kind, _, anchor_id = expectation.deadline.after.partition(":")
    if kind == "change":  # counted from the change itself, as the engine and scoring do
        return first_change_seconds(facts[anchor_id], scenario) if anchor_id in facts else None
    return at_seconds(inject.at, scenario)


def _trigger_problems(scenario: Scenario, loaded: LoadedFile, index: int, people: set, injects: dict,
                      expectations: dict, policy: Policy) -> Iterable[Problem]:
    trigger = scenario.injects[index].when
    where = ("injects", index, "when")
    if trigger.missed is not None:
        expectation = expectations.get(trigger.missed)
        if expectation is None:
            yield loaded.problem(where + ("missed",), f"no expectation {trigger.missed!r}: this can never fire")
        elif expectation.avoid or expectation.deadline is None:
            yield loaded.problem(where + ("missed",), f"{trigger.missed!r} has no deadline to miss: this can never fire")
        elif expectation.inject == scenario.injects[index].id:
            yield loaded.problem(where + ("missed",), "an inject cannot fire on missing its own expectation")
        elif expectation.deadline.limit in policy.limits:
            anchor = _anchor_seconds(scenario, expectation, {f.id: f for f in scenario.facts})
            if anchor is not None and limit_seconds(expectation.deadline, policy, anchor, scenario) > length_seconds(scenario):
                yield loaded.problem(where + ("missed",), "that deadline falls after the drill ends: this can never fire")
        return
    if trigger.inject is not None and trigger.inject not in injects:
        yield loaded.problem(where + ("inject",), f"no inject {trigger.inject!r}: this can never fire")
    if trigger.target is not None and trigger.action not in _TARGETED_ACTIONS:
        yield loaded.problem(where + ("target",), f"'{trigger.action.value}' has no target: this can never fire")
    elif trigger.target is not None and trigger.target not in people and trigger.target not in _ROLE_NAMES:
        yield loaded.problem(where + ("target",), f"{trigger.target!r} is neither a person nor a role: this can never fire")
    if trigger.inject == scenario.injects[index].id:
        yield loaded.problem(where + ("inject",), "an inject cannot fire on an action about itself")


def _texts(data: object, loc: tuple) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _texts(item, loc + (index,))
    elif isinstance(data, dict):
        for key, item in data.items():
            if key != "variables":
                yield from _texts(item, loc + (key,))
