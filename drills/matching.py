"""Whether an action answers an expectation, and who the right person to escalate to is.

The engine needs this to fire "missed" contingencies; scoring uses the same functions,
then judges the quality of what was done (elements, seal, timing).
"""

from __future__ import annotations

from drills.actions import Action, FileReport, Relay
from drills.scenario import ESCALATION_LADDER, Expectation, Person, Role, Scenario, Trigger
from drills.timing import reachable_at


def people_by_id(scenario: Scenario) -> dict[str, Person]:
    return {person.id: person for person in scenario.people}


def action_targets(action: Action) -> list[str]:
    """Everyone an action is addressed to (a relay goes to several units)."""
    if isinstance(action, Relay):
        return list(action.to)
    for field in ("person", "recipient"):
        value = getattr(action, field, None)
        if value:
            return [value]
    return []


def right_escalation_person(scenario: Scenario, required: Role, seconds: float) -> Person | None:
    """The first reachable person on the ladder at or above ``required`` (design: escalation)."""
    if required not in ESCALATION_LADDER:
        return None
    rungs = ESCALATION_LADDER[ESCALATION_LADDER.index(required):]
    for rung in rungs:
        for person in scenario.people:
            if person.role == rung and reachable_at(person, seconds, scenario):
                return person
    return None


def target_fits(target: str | None, person_ids: list[str], scenario: Scenario, seconds: float) -> bool:
    """A target is a person id or a role; a role on the escalation ladder means the right rung."""
    if target is None:
        return True
    people = people_by_id(scenario)
    if target in people:
        return target in person_ids
    role = Role(target)
    if role in ESCALATION_LADDER:
        right = right_escalation_person(scenario, role, seconds)
        return right is not None and right.id in person_ids
    return any(people[pid].role == role for pid in person_ids if pid in people)


def meets(expectation: Expectation, action: Action, scenario: Scenario, seconds: float, reply: dict | None = None) -> bool:
    """The action is the kind of thing the expectation asks for, about the right item.

    Deliberately loose on content: a report missing elements still *is* the report;
    scoring marks it incomplete rather than missing. A call that nobody answered
    (``reply`` says nobody was reached) meets nothing.
    """
    if action.kind != expectation.action.value or getattr(action, "inject", None) != expectation.inject:
        return False
    if reply is not None and reply.get("reached") in (False, []):
        return False
    if expectation.question is not None and getattr(action, "question", None) != expectation.question:
        return False
    if isinstance(action, FileReport):
        if expectation.stage is not None and action.stage != expectation.stage:
            return False
        if expectation.channel is not None and action.channel != expectation.channel:
            return False
    return target_fits(expectation.target, action_targets(action), scenario, seconds)


def triggers(trigger: Trigger, action: Action, scenario: Scenario, seconds: float) -> bool:
    """Whether an action fires an action-triggered contingency."""
    if trigger.action is None or action.kind != trigger.action.value:
        return False
    if trigger.inject is not None and getattr(action, "inject", None) != trigger.inject:
        return False
    if trigger.target is None:
        return True
    people = people_by_id(scenario)
    if trigger.target in people:
        return trigger.target in action_targets(action)
    return any(people[pid].role.value == trigger.target for pid in action_targets(action) if pid in people)
