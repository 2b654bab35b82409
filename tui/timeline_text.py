"""One line of plain text per journal entry, for the headless timeline and the debrief."""

from __future__ import annotations

from drills.engine import Drill, JournalEntry
from drills.timing import clock_text
from tui.i18n import text


def _action_text(data: dict, drill: Drill, language: str) -> str:
    """The action in words: its kind, then whom, what and how, names instead of ids."""
    action = data["action"]
    names = {person.id: person.name for person in drill.scenario.people}
    parts = [text(language, f"action.{action['kind']}")]
    if action.get("question"):
        parts.append(text(language, f"question.{action['question']}"))
    if action.get("stage"):
        parts.append(text(language, f"stage.{action['stage']}") + "·" + text(language, f"report_channel.{action['channel']}"))
    for person in [action.get("person"), action.get("recipient"), *action.get("to", [])]:
        if person:
            parts.append(names.get(person, person))
    for key in ("text", "reason", "what"):
        if action.get(key):
            parts.append(action[key])
    return " · ".join(parts)


def describe_entry(entry: JournalEntry, drill: Drill, language: str) -> str:
    """``02:13:00  [Phone] summary`` — the drill clock, then what happened."""
    scenario = drill.scenario
    injects = {inject.id: inject for inject in scenario.injects}
    data = entry.data
    inject = injects.get(data.get("inject", ""))
    values: dict[str, object] = {
        "title": scenario.title, "seed": drill.seed, "summary": inject.summary if inject else "",
        "channel": text(language, f"channel.{inject.channel.value}") if inject else "",
        "expectation": data.get("expectation", ""), "minutes": data.get("minutes", ""),
        "speed": data.get("speed", ""),
    }
    if entry.kind == "action":
        values["action"] = _action_text(data, drill, language)
    return f"{clock_text(scenario, entry.at, with_seconds=True)}  {text(language, f'timeline.{entry.kind}', **values)}"
