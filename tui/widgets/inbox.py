"""The drill clock, the inbox of items in arrival order, and (in practice) open deadlines."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from drills.engine import Drill, ItemState
from drills.scenario import Expectation
from drills.timing import clock_text
from tui.safe_text import literal

if TYPE_CHECKING:
    from scoring.groups import GroupSession

CHANNEL_MARK = {"phone": "☎", "spot_check": "☎", "fax": "▤", "telegram": "▦", "visitor": "☺", "message": "✉", "instruction": "✎"}
URGENT = {ItemState.ringing: "bold red", ItemState.waiting: "bold yellow", ItemState.in_tray: "yellow",
          ItemState.unread: "yellow", ItemState.missed: "red", ItemState.active: ""}


class DrillClock(Static):
    def show(self, drill: Drill, t, mode: str, group: GroupSession | None = None) -> None:
        """The drill time, speed, state and mode; in a group drill, the join code and the session's state."""
        state = t("room.paused") if drill.paused else ("▶" if not drill.ended else t("room.over"))
        if group is not None and group.state == "waiting":
            state = t("room.group_waiting_short")
        line = Text()
        line.append(f" {clock_text(drill.scenario, drill.now, with_seconds=True)} ", style="bold reverse")
        speed = group.speed if group is not None else drill.speed  # a group drill runs at the session's speed
        line.append(f"  ×{speed:g}  {state}  ", style="bold")
        line.append(t(f"mode.{mode}"), style="italic")
        if group is not None:
            line.append("  " + t("room.group_code", code=group.code), style="bold")
        self.update(line)


class Inbox(OptionList):
    """One line per item that has arrived, oldest first, marked by how urgent it is."""

    def show(self, drill: Drill, t) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self.clear_options()
        for item in sorted(drill.inbox.values(), key=lambda item: item.arrived):
            inject = item.inject
            line = Text()
            line.append(f"{CHANNEL_MARK.get(inject.channel.value, '•')} {clock_text(drill.scenario, item.arrived)} ")
            line.append_text(literal(inject.summary))
            state = t(f"state.{item.state.value}")
            if item.state == ItemState.ringing:
                rings = max(1, math.ceil((drill.now - item.arrived) / drill.policy.ring_seconds))
                state = t("room.rings", rings=rings)
            line.append(f"  {state}", style=URGENT[item.state])
            self.add_option(Option(line, id=inject.id))
        if highlighted is not None:
            ids = [option.id for option in self.options]
            if highlighted in ids:
                self.highlighted = ids.index(highlighted)

    def select_next(self, step: int) -> None:
        if self.option_count:
            self.highlighted = ((self.highlighted or 0) + step) % self.option_count


class Deadlines(OptionList):
    """Open deadlines counting down (practice mode only); Enter opens the rule behind one."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rules: dict[str, str] = {}

    def show(self, drill: Drill, t) -> None:
        upcoming = drill.open_deadlines()
        lines = []
        for expectation, due in upcoming:
            left = max(0.0, due - drill.now)
            minutes, seconds = divmod(int(left), 60)
            line = Text()
            line.append(f"{minutes:02d}:{seconds:02d} ", style="bold red" if left < 120 else "bold")
            line.append_text(literal(label(expectation, drill, t)))
            lines.append((expectation, line))
        ids = [expectation.id for expectation, _ in lines]
        if ids == [option.id for option in self.options]:
            # Same deadlines as a tick ago: change the countdowns, keep the highlight.
            for index, (_, line) in enumerate(lines):
                self.replace_option_prompt_at_index(index, line)
            return
        self.clear_options()
        self.rules = {expectation.id: expectation.rule for expectation, _ in lines}
        for expectation, line in lines:
            self.add_option(Option(line, id=expectation.id))


def label(expectation: Expectation, drill: Drill, t) -> str:
    """The expectation's own description, or its action and the item it is about."""
    if expectation.description:
        return expectation.description
    inject = next(i for i in drill.scenario.injects if i.id == expectation.inject)
    what = t(f"action.{expectation.action.value}")
    if expectation.stage is not None:
        what = t(f"stage.{expectation.stage.value}")
    return f"{what} · {inject.summary}"
