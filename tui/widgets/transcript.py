"""What the trainee has seen and said about one item, rebuilt from the journal.

The journal is the single record of the drill; the transcript is only a way of reading it.
"""

from __future__ import annotations

from typing import Callable

from rich.text import Text

from drills.engine import Drill
from drills.matching import people_by_id
from drills.scenario import Inject
from drills.timing import clock_text
from tui.safe_text import literal

Translate = Callable[..., str]


def _facts(said: list[dict], t: Translate) -> str:
    colon = t("punct.colon")
    return t("punct.semicolon").join(
        f"{item['label']}{colon}{item['value'] if item['value'] is not None else t('room.unknown')}" for item in said)


def transcript(drill: Drill, inject: Inject, t: Translate) -> Text:
    """Every line of the exchange about ``inject``: who said what, at what drill time."""
    people = people_by_id(drill.scenario)
    caller = people[inject.source].name if inject.source in people else inject.source
    out = Text()

    def line(at: float, speaker: str, words: str, style: str = "") -> None:
        out.append(f"{clock_text(drill.scenario, at, with_seconds=True)} ", style="dim")
        out.append_text(literal(f"{speaker}{t('punct.colon')}", "bold " + style))
        out.append_text(literal(words + "\n", style))

    for entry in drill.journal:
        data = entry.data
        if entry.kind == "inject_delivered" and data["inject"] == inject.id and inject.channel.value in ("message", "instruction"):
            line(entry.at, caller, inject.opening or inject.summary)
        if entry.kind == "call_missed" and data["inject"] == inject.id:
            line(entry.at, t("room.system"), t("room.call_missed"), "red")
        if entry.kind != "action" or data["action"].get("inject") != inject.id:
            continue
        action, reply = data["action"], data["reply"]
        kind = action["kind"]
        me = t("room.me")
        if kind == "answer":
            if inject.opening:
                line(entry.at, caller, inject.opening)
            if reply.get("facts"):
                line(entry.at, caller, _facts(reply["facts"], t))
        elif kind == "greet":
            line(entry.at, me, action["text"], "cyan")
        elif kind == "ask":
            line(entry.at, me, t(f"question.{action['question']}"), "cyan")
            words = [w for w in (_facts(reply.get("facts", []), t), reply.get("says", "")) if w]
            line(entry.at, caller, " ".join(words) if words else t("room.does_not_know"))
        elif kind in ("register_document", "receive_visitor") and reply.get("facts"):
            line(entry.at, t(f"action.{kind}"), _facts(reply["facts"], t), "green")
        elif kind == "verify":
            person = people[action["person"]].name
            if not reply.get("reached"):
                line(entry.at, t("action.verify"), t("room.no_answer", person=person), "yellow")
            else:
                found = _facts(reply.get("confirmed", []), t) or t("room.nothing_to_confirm")
                line(entry.at, t("action.verify"), f"{person}{t('punct.colon')}{found}", "green")
        else:
            targets = [people[p].name for p in ([action["person"]] if action.get("person") else action.get("to", []) or ([action["recipient"]] if action.get("recipient") else []))]
            detail = "、".join(targets)
            if "reached" in reply and not reply["reached"]:
                detail += " " + t("room.no_answer_short")
            line(entry.at, me, f"{t(f'action.{kind}')} {detail}".strip(), "cyan")
    return out
