"""The drill engine: a deterministic event queue on a virtual clock, in the manner of SimPy.

Nothing here reads the wall clock. The UI (or a headless runner) calls ``advance`` with
the real seconds that passed; the engine turns them into drill seconds at the drill's
speed. Every delivery and every action becomes a ``JournalEntry`` handed to ``on_entry``
the moment it happens, so a journal written there loses nothing on a crash.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from drills.actions import Action, Answer, Verify, duration_minutes
from drills.matching import action_targets, meets, people_by_id, triggers
from drills.policy import Policy
from drills.scenario import RINGING_CHANNELS, Channel, Expectation, Inject, Scenario
from drills.timing import at_seconds, first_change_seconds, length_seconds, limit_seconds, reachable_at
from drills.timing import fact_value_at

ENGINE_VERSION = "1"


class ItemState(str, Enum):
    ringing = "ringing"
    missed = "missed"
    active = "active"  # a call in progress, a visitor received, a document being handled
    in_tray = "in_tray"  # a fax or telegram not yet registered
    waiting = "waiting"  # a visitor not yet received
    unread = "unread"  # a message or instruction


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    at: float  # drill seconds after the start
    kind: str
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "kind": self.kind, "data": self.data}


@dataclass
class InboxItem:
    inject: Inject
    arrived: float
    state: ItemState
    attempt: int = 1


@dataclass
class ActionOutcome:
    entry: JournalEntry
    reply: dict[str, Any] = field(default_factory=dict)


class ActionRefused(Exception):
    """An action that cannot be taken now (the call is not answered yet, say)."""


_DELIVER, _HANG_UP, _DEADLINE, _END = 0, 1, 2, 3


def _round(seconds: float) -> float:
    return round(seconds, 3)


class Drill:
    """One sitting of one scenario (already instantiated with its seed's variables)."""

    def __init__(
        self,
        scenario: Scenario,
        policy: Policy,
        seed: int,
        variables: dict[str, str] | None = None,
        on_entry: Callable[[JournalEntry], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.policy = policy
        self.seed = seed
        self.now = 0.0
        self.speed = scenario.speed
        self.paused = False
        self.ended = False
        self.end_at = length_seconds(scenario)
        self.journal: list[JournalEntry] = []
        self.inbox: dict[str, InboxItem] = {}
        self.met: dict[str, float] = {}  # expectation id -> drill second it was met
        self.verified: dict[str, float] = {}  # fact id -> drill second it was verified
        self._on_entry = on_entry
        self._queue: list[tuple[float, int, int, dict[str, Any]]] = []
        self._sequence = itertools.count()
        self._fired: set[str] = set()
        self._injects = {inject.id: inject for inject in scenario.injects}
        self._facts = {fact.id: fact for fact in scenario.facts}
        self._people = people_by_id(scenario)
        self._expectations = [e for e in scenario.expectations if not e.avoid and e.deadline]
        # Indexes, so an action or delivery looks only at what concerns it (1,000-inject drills).
        self._expected_of: dict[str, list[Expectation]] = {}
        for expectation in scenario.expectations:
            if not expectation.avoid:
                self._expected_of.setdefault(expectation.inject, []).append(expectation)
        self._timed_by_anchor: dict[tuple[str, str], list[Expectation]] = {}
        for expectation in self._expectations:
            anchor = expectation.deadline.after
            key = ("inject", expectation.inject) if anchor == "inject" else tuple(anchor.split(":", 1))
            self._timed_by_anchor.setdefault(key, []).append(expectation)
        self._by_id = {expectation.id: expectation for expectation in self._expectations}
        self._action_triggered = [inject for inject in scenario.injects if inject.when is not None and inject.when.action]
        self._missed_triggered: dict[str, list[Inject]] = {}
        for inject in scenario.injects:
            if inject.when is not None and inject.when.missed:
                self._missed_triggered.setdefault(inject.when.missed, []).append(inject)
        self._record("drill_started", {
            "scenario": scenario.id, "language": scenario.language, "seed": seed,
            "engine": ENGINE_VERSION, "speed": self.speed, "variables": variables or {},
        })
        for inject in scenario.injects:
            if inject.at is not None:
                self._schedule(at_seconds(inject.at, scenario), _DELIVER, inject=inject.id)
        for (kind, fact_id), expectations in self._timed_by_anchor.items():
            if kind == "change":
                changed = first_change_seconds(self._facts[fact_id], scenario)
                for expectation in expectations if changed is not None else []:
                    self._schedule_deadline(expectation, changed)
        self._schedule(self.end_at, _END)

    def attach(self, on_entry: Callable[[JournalEntry], None]) -> None:
        """Send every entry from now on to ``on_entry`` (a journal writer)."""
        self._on_entry = on_entry

    # -- the clock ---------------------------------------------------------------------

    def advance(self, real_seconds: float) -> None:
        """Let ``real_seconds`` of wall time pass at the drill's speed (nothing if paused)."""
        if not self.paused and not self.ended and real_seconds > 0:
            self.run_until(self.now + real_seconds * self.speed)

    def run_until(self, seconds: float) -> None:
        """Deliver every event due up to ``seconds`` of drill time, in order."""
        target = min(seconds, self.end_at)
        while self._queue and self._queue[0][0] <= target and not self.ended:
            due, kind, _, payload = heapq.heappop(self._queue)
            self.now = max(self.now, due)
            self._handle(kind, payload)
        if not self.ended:
            self.now = max(self.now, target)

    def pause(self) -> None:
        if not self.paused:
            self.paused = True
            self._record("paused", {})

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self._record("resumed", {})

    def set_speed(self, speed: float) -> None:
        self.speed = max(0.1, min(speed, 120.0))
        self._record("speed_changed", {"speed": self.speed})

    def waiting_on_trainee(self) -> bool:
        """A phone ringing or a visitor at the door: the clock must not jump past them."""
        return any(item.state in (ItemState.ringing, ItemState.waiting) for item in self.inbox.values())

    def open_deadlines(self) -> list[tuple[Expectation, float]]:
        """Deadlines still to come for expectations not yet met, soonest first (practice hints)."""
        upcoming = [(payload["deadline"], self._by_id[payload["expectation"]]) for due, kind, _, payload in self._queue
                    if kind == _DEADLINE and payload["expectation"] not in self.met
                    and self._by_id[payload["expectation"]].inject in self.inbox]
        return [(expectation, due) for due, expectation in sorted(upcoming, key=lambda pair: pair[0])]

    def next_delivery(self) -> float | None:
        times = [due for due, kind, _, _ in self._queue if kind == _DELIVER]
        return min(times) if times else None

    def skip_to_next(self) -> bool:
        """Jump to the next inject when nothing is pending; False if something is."""
        if self.ended or self.waiting_on_trainee():
            return False
        due = self.next_delivery()
        target = due if due is not None else self.end_at
        self._record("skipped", {"to": _round(target)})
        self.run_until(target)
        return True

    def trigger_now(self, inject_id: str) -> None:
        """A trainer fires an inject at once (it is then not delivered again later)."""
        if inject_id not in self._injects:
            raise ActionRefused(f"no inject {inject_id!r} in this drill")
        if inject_id in self.inbox:
            raise ActionRefused(f"inject {inject_id!r} was already delivered")
        self._queue = [event for event in self._queue if event[3].get("inject") != inject_id or event[1] != _DELIVER]
        heapq.heapify(self._queue)
        self._record("inject_triggered", {"inject": inject_id})
        self._deliver(inject_id)

    def shift_clock(self, minutes: float) -> None:
        """Forward runs time on; backward postpones everything still to come by that much."""
        self._record("clock_shifted", {"minutes": minutes})
        if minutes >= 0:
            self.run_until(self.now + minutes * 60.0)
            return
        delay = -minutes * 60.0
        self._queue = [(due + delay, kind, seq, payload) for due, kind, seq, payload in self._queue]
        self.end_at += delay
        heapq.heapify(self._queue)

    # -- actions -----------------------------------------------------------------------

    def act(self, action: Action) -> ActionOutcome:
        """Take one trainee action; it costs drill time, during which events go on."""
        if self.ended:
            raise ActionRefused("the drill is over")
        item = self._item_for(action)
        reply = self._carry_out(action, item)
        started = self.now
        done = started + duration_minutes(action) * 60.0
        entry = self._record("action", {
            "action": action.model_dump(mode="json", exclude_defaults=False),
            "done": _round(done), "reply": reply,
        })
        for expectation in self._expected_of.get(action.inject, []):
            if expectation.id not in self.met and meets(expectation, action, self.scenario, started, reply):
                self.met[expectation.id] = done
                for dependant in self._timed_by_anchor.get(("met", expectation.id), []):
                    self._schedule_deadline(dependant, done)
        for inject in self._action_triggered:
            if inject.id not in self._fired and triggers(inject.when, action, self.scenario, started):
                self._fire(inject, done)
        self.run_until(done)
        return ActionOutcome(entry, reply)

    def _item_for(self, action: Action) -> InboxItem:
        item = self.inbox.get(action.inject)
        if item is None:
            raise ActionRefused(f"inject {action.inject!r} has not arrived yet")
        for person in (getattr(action, "person", None), getattr(action, "recipient", None), *getattr(action, "to", [])):
            if person is not None and person not in self._people:
                raise ActionRefused(f"nobody with id {person!r} is in the directory")
        ringing = item.inject.channel in RINGING_CHANNELS
        if ringing and not isinstance(action, Answer) and item.state in (ItemState.ringing, ItemState.missed):
            raise ActionRefused("answer the call first")
        return item

    def _carry_out(self, action: Action, item: InboxItem) -> dict[str, Any]:
        inject = item.inject
        if isinstance(action, Answer):
            if item.state not in (ItemState.ringing, ItemState.missed):
                raise ActionRefused("this call is not ringing")
            rings = max(1, math.ceil((self.now - item.arrived) / self.policy.ring_seconds))
            called_back = item.state == ItemState.missed
            item.state = ItemState.active
            return {"rings": rings, "called_back": called_back, "opening": inject.opening,
                    "facts": self._said(inject.volunteers, inject.id)}
        if action.kind == "ask":
            answer = inject.answers.get(action.question)
            if answer is None:
                return {"facts": [], "says": "", "knows": False}
            return {"facts": self._said(answer.facts, inject.id), "says": answer.says, "knows": True}
        if isinstance(action, Verify):
            return self._verify(inject, action.person)
        if action.kind in ("escalate", "relay", "track", "feedback", "refer_visitor"):
            reached = [pid for pid in action_targets(action) if reachable_at(self._people[pid], self.now, self.scenario)]
            return {"reached": reached}
        if action.kind in ("register_document", "receive_visitor"):
            # Reading the document or hearing the visitor out tells what they carry.
            item.state = ItemState.active
            return {"facts": self._said(inject.volunteers, inject.id)}
        if action.kind in ("sign_for_document", "return_document"):
            item.state = ItemState.active
        return {}

    def _said(self, fact_ids: list[str], inject_id: str) -> list[dict[str, Any]]:
        """What a source tells: the claim if it is one that makes it, else the truth as of now."""
        said = []
        for fact_id in fact_ids:
            fact = self._facts[fact_id]
            claimed = fact.claimed is not None and (not fact.claimed_by or inject_id in fact.claimed_by)
            value = fact.claimed if claimed else fact_value_at(fact, self.now, self.scenario)
            said.append({"fact": fact_id, "label": fact.label, "value": value, "claimed": claimed})
        return said

    def _verify(self, inject: Inject, person_id: str) -> dict[str, Any]:
        person = self._people[person_id]
        if not reachable_at(person, self.now, self.scenario):
            return {"reached": False, "confirmed": []}
        fact_ids = list(dict.fromkeys(inject.volunteers + [f for a in inject.answers.values() for f in a.facts]))
        confirmed = []
        for fact_id in fact_ids:
            fact = self._facts[fact_id]
            if person_id in fact.confirmed_by:
                truth = fact_value_at(fact, self.now, self.scenario)
                self.verified.setdefault(fact_id, self.now)
                confirmed.append({"fact": fact_id, "label": fact.label, "value": truth,
                                  "corrected": fact.claimed is not None and fact.claimed != truth})
        return {"reached": True, "confirmed": confirmed}

    # -- events ------------------------------------------------------------------------

    def _schedule(self, due: float, kind: int, **payload: Any) -> None:
        heapq.heappush(self._queue, (due, kind, next(self._sequence), payload))

    def _schedule_deadline(self, expectation: Expectation, anchor: float) -> None:
        due = limit_seconds(expectation.deadline, self.policy, anchor, self.scenario)
        self._schedule(due, _DEADLINE, expectation=expectation.id, deadline=due)

    def _handle(self, kind: int, payload: dict[str, Any]) -> None:
        if kind == _DELIVER:
            self._deliver(payload["inject"], payload.get("attempt", 1))
        elif kind == _HANG_UP:
            self._hang_up(payload["inject"], payload["attempt"])
        elif kind == _DEADLINE:
            self._check_deadline(payload["expectation"], payload["deadline"])
        else:
            self.ended = True
            self._record("drill_ended", {})

    def _deliver(self, inject_id: str, attempt: int = 1) -> None:
        inject = self._injects[inject_id]
        if attempt > 1 and self.inbox[inject_id].state != ItemState.missed:
            return  # the officer called back in the meantime: the caller does not ring again
        ringing = inject.channel in RINGING_CHANNELS
        state = {Channel.fax: ItemState.in_tray, Channel.telegram: ItemState.in_tray,
                 Channel.visitor: ItemState.waiting}.get(inject.channel, ItemState.unread)
        self.inbox[inject_id] = InboxItem(inject, self.now, ItemState.ringing if ringing else state, attempt)
        delivered = {"inject": inject_id, "channel": inject.channel.value, "attempt": attempt}
        if inject.channel in (Channel.message, Channel.instruction):
            delivered["facts"] = self._said(inject.volunteers, inject_id)  # a message is read as it comes
        self._record("inject_delivered", delivered)
        if ringing:
            rings = inject.rings or self.policy.rings_before_missed
            self._schedule(self.now + rings * self.policy.ring_seconds, _HANG_UP, inject=inject_id, attempt=attempt)
        if attempt == 1:
            for expectation in self._timed_by_anchor.get(("inject", inject_id), []):
                self._schedule_deadline(expectation, self.now)

    def _hang_up(self, inject_id: str, attempt: int) -> None:
        item = self.inbox[inject_id]
        if item.state != ItemState.ringing or item.attempt != attempt:
            return
        item.state = ItemState.missed
        self._record("call_missed", {"inject": inject_id, "attempt": attempt})
        if item.inject.ring_again_after is not None and attempt <= item.inject.rings_again:
            self._schedule(self.now + item.inject.ring_again_after * 60.0, _DELIVER, inject=inject_id, attempt=attempt + 1)

    def _check_deadline(self, expectation_id: str, due: float) -> None:
        expectation = self._by_id[expectation_id]
        if expectation.inject not in self.inbox:
            return  # its inject never came (a contingency that did not fire)
        met_at = self.met.get(expectation_id)
        if met_at is not None and met_at <= due:
            return
        self._record("deadline_missed", {"expectation": expectation_id, "due": _round(due)})
        for inject in self._missed_triggered.get(expectation_id, []):
            if inject.id not in self._fired:
                self._fire(inject, self.now)

    def _fire(self, inject: Inject, moment: float) -> None:
        self._fired.add(inject.id)
        arrives = moment + inject.delay * 60.0
        self._record("contingency_fired", {"inject": inject.id, "arrives": _round(arrives)})
        self._schedule(arrives, _DELIVER, inject=inject.id)

    def _record(self, kind: str, data: dict[str, Any]) -> JournalEntry:
        entry = JournalEntry(len(self.journal) + 1, _round(self.now), kind, data)
        self.journal.append(entry)
        if self._on_entry is not None:
            self._on_entry(entry)
        return entry
