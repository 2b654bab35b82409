"""Wording a finding for people: its evidence, its short description, its times.

Scorecards store evidence as codes with details (``missing_elements`` with
``elements=[...]``); this module turns them into sentences in the interface language,
with people, facts and times named as the drill names them. Values that come from the
drill file or from what the trainee typed are returned as plain strings and are shown
through ``literal()``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from drills.matching import people_by_id
from drills.scenario import Role, Scenario
from drills.timing import clock_text
from tui.i18n import text

# Detail keys that hold a person id, a fact id, or a list of coded names.
_PERSON_KEYS = ("person", "right")
_FACT_KEYS = ("fact",)
_CODED_LISTS = {"elements": "element", "fields": "field", "parts": "part"}


@dataclass(frozen=True)
class DrillWords:
    """What the debrief needs to name things in one attempt's drill (instantiated)."""

    scenario: Scenario
    language: str

    def t(self, key: str, **values: object) -> str:
        return text(self.language, key, **values)

    def clock(self, seconds: float | None) -> str:
        return self.t("debrief.no_value") if seconds is None else clock_text(self.scenario, seconds)

    def person(self, person_id: str | None, with_title: bool = True) -> str:
        """A person by name (and post), or a role's name when the id is a role."""
        if not person_id:
            return self.t("debrief.ev.someone")
        person = people_by_id(self.scenario).get(person_id)
        if person is None:
            return self.role(person_id)
        if with_title and person.title:
            return self.t("debrief.person", name=person.name, title=person.title)
        return person.name

    def role(self, value: str) -> str:
        try:
            return self.t(f"debrief.role.{Role(value).value}")
        except ValueError:
            return value

    def fact(self, fact_id: str | None) -> str:
        found = next((fact for fact in self.scenario.facts if fact.id == fact_id), None)
        return found.label if found else str(fact_id)

    def listed(self, kind: str, codes: Iterable[str]) -> str:
        return self.t("debrief.list_separator").join(self.t(f"debrief.{kind}.{code}") for code in codes)

    def inject_summary(self, inject_id: str) -> str:
        inject = next((inject for inject in self.scenario.injects if inject.id == inject_id), None)
        return inject.summary if inject else inject_id


def describe_action(action: dict[str, Any], words: DrillWords) -> str:
    """A journal action as ``Escalate → 县委办主任 · phone`` in the interface language."""
    parts = [words.t(f"action.{action.get('kind', '')}")]
    targets = [action[key] for key in ("person", "recipient") if action.get(key)] + list(action.get("to") or [])
    if targets:
        parts.append("→ " + words.t("debrief.list_separator").join(words.person(p) for p in targets))
    if action.get("question"):
        parts.append(words.t(f"debrief.question.{action['question']}"))
    if action.get("stage"):
        parts.append(words.t(f"debrief.stage.{action['stage']}"))
    if action.get("channel"):
        parts.append(words.t(f"debrief.report_channel.{action['channel']}"))
    for key in ("text", "what", "reason"):
        if action.get(key):
            parts.append(f"“{action[key]}”")
    return " · ".join(parts)


def describe_evidence(item: dict[str, Any], words: DrillWords) -> str:
    """One piece of evidence (``{"at", "what", "detail"}``) as a sentence."""
    what = str(item.get("what", ""))
    detail = dict(item.get("detail") or {})
    if what in ("done_though_forbidden", "wrong_target_or_channel"):
        return words.t(f"debrief.ev.{what}", action=describe_action(detail, words))
    values: dict[str, object] = {}
    for key, value in detail.items():
        if key in _PERSON_KEYS:
            values[key] = words.person(value)
        elif key in _FACT_KEYS:
            values[key] = words.fact(value)
        elif key == "facts":
            values[key] = words.t("debrief.list_separator").join(words.fact(f) for f in value)
        elif key in _CODED_LISTS:
            values[key] = words.listed(_CODED_LISTS[key], value)
        elif key == "done":
            values[key] = words.clock(value)
        elif key == "channel":
            values[key] = words.t(f"debrief.report_channel.{value}")
        else:
            values[key] = "" if value is None else value
    key = f"debrief.ev.{what}"
    if words.t(key) != key:
        try:
            return words.t(key, **values)
        except (KeyError, IndexError):
            pass  # a detail missing (an older scorecard): show the codes plainly below
    # A code this interface does not word (yet): shown as it is, not hidden.
    shown = ", ".join(f"{name}={value}" for name, value in values.items())
    return f"{what} {shown}".strip()


def describe_finding(finding: dict[str, Any], scenario: Scenario, words: DrillWords) -> str:
    """The finding's description from the drill file, or one made from its expectation."""
    if finding.get("description"):
        return finding["description"]
    expectation = next((e for e in scenario.expectations if e.id == finding["id"]), None)
    if finding["id"].startswith("secrecy:"):
        return words.t("debrief.finding.secrecy")
    if expectation is None:
        return finding["id"]
    action = words.t(f"action.{expectation.action.value}")
    if expectation.avoid:
        return words.t("debrief.finding.avoid", action=action)
    if expectation.action.value == "greet":
        return words.t("debrief.finding.greet")
    if expectation.question is not None:
        return words.t("debrief.finding.ask", question=words.t(f"debrief.question.{expectation.question.value}"))
    if expectation.stage is not None:
        channel = words.t(f"debrief.report_channel.{expectation.channel.value}") if expectation.channel else ""
        stage = words.t(f"debrief.stage.{expectation.stage.value}")
        return words.t("debrief.finding.report_by", stage=stage, channel=channel) if channel else stage
    if expectation.target:
        return words.t("debrief.finding.to", action=action, target=words.person(expectation.target, with_title=False))
    return action


def finding_labels(findings: list[dict[str, Any]], scenario: Scenario, words: DrillWords,
                   arrivals: dict[str, float]) -> dict[str, str]:
    """Finding id → a label; labels that would repeat name the item (time and channel)."""
    labels = {finding["id"]: describe_finding(finding, scenario, words) for finding in findings}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    channels = {inject.id: inject.channel.value for inject in scenario.injects}
    for finding in findings:
        label = labels[finding["id"]]
        inject = finding.get("inject", "")
        if counts[label] > 1 and inject in arrivals:
            channel = words.t(f"channel.{channels.get(inject, '')}")
            item = f"{words.clock(arrivals[inject])} {channel}"
            labels[finding["id"]] = words.t("debrief.finding.of_item", label=label, item=item)
    return labels
