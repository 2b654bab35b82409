"""Reading a journal back: when things arrived, what was done, what the trainee was told.

Playbooks and scoring both need these answers, and both must get the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from drills.actions import ACTION_ADAPTER, Action
from drills.engine import JournalEntry


@dataclass(frozen=True)
class TakenAction:
    seq: int
    at: float  # drill second it started
    done: float  # drill second it was complete
    action: Action
    reply: dict


def taken_actions(entries: Iterable[JournalEntry]) -> list[TakenAction]:
    return [
        TakenAction(entry.seq, entry.at, entry.data["done"], ACTION_ADAPTER.validate_python(entry.data["action"]), entry.data["reply"])
        for entry in entries
        if entry.kind == "action"
    ]


def delivery_times(entries: Iterable[JournalEntry]) -> dict[str, float]:
    """When each inject first arrived."""
    times: dict[str, float] = {}
    for entry in entries:
        if entry.kind == "inject_delivered":
            times.setdefault(entry.data["inject"], entry.at)
    return times


def facts_heard(entries: Iterable[JournalEntry], inject_id: str | None = None, until: float | None = None) -> dict[str, str | None]:
    """The latest value the trainee was told or confirmed for each fact (optionally up to a moment).

    A confirmed value from a verification call overrides a caller's (possibly wrong)
    claim; news told after it, such as a rising death toll, overrides both.
    """
    heard: dict[str, str | None] = {}
    confirmed: set[str] = set()
    for entry in entries:
        if entry.kind not in ("action", "inject_delivered") or (until is not None and entry.at > until):
            continue
        about = entry.data["action"].get("inject") if entry.kind == "action" else entry.data["inject"]
        if inject_id is not None and about != inject_id:
            continue
        reply = entry.data["reply"] if entry.kind == "action" else entry.data
        for said in reply.get("facts", []):
            if not (said.get("claimed") and said["fact"] in confirmed):
                heard[said["fact"]] = said["value"]
        for said in reply.get("confirmed", []):
            heard[said["fact"]] = said["value"]
            confirmed.add(said["fact"])
    return heard


def facts_confirmed(entries: Iterable[JournalEntry], until: float | None = None) -> dict[str, float]:
    """Fact id -> the drill second a verification call first confirmed it."""
    confirmed: dict[str, float] = {}
    for entry in entries:
        if entry.kind == "action" and (until is None or entry.at <= until):
            for said in entry.data["reply"].get("confirmed", []):
                confirmed.setdefault(said["fact"], entry.data["done"])
    return confirmed
