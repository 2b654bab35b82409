"""A timeline picture of one attempt: one drill-clock axis, a lane per item that arrived
(its arrival, missed rings and the trainee's actions on it) and under it a lane per
expectation (its deadline and how it ended: met, late, missed or done wrong).

``build_timeline`` is plain data from the journal and the scorecard; ``DrillTimeline``
draws it with Rich Text at whatever width it is given, so it fits 80 columns and spreads
out on a projector. Every symbol is one cell wide, even in a CJK terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from drills.engine import JournalEntry
from drills.scenario import Scenario
from drills.timing import length_seconds
from tui.safe_text import literal, strip_controls
from tui.widgets.debrief_evidence import DrillWords

SYMBOLS = {
    "arrival": "▾", "missed_call": "◌", "action": "▪", "deadline": "⋮", "span": "╌", "late_span": "╌",
    "met": "✔", "late": "◷", "missed": "✘", "wrong": "✱",
}
# Where two marks fall in one cell, the higher one shows.
_PRIORITY = {"span": 1, "late_span": 2, "deadline": 3, "action": 4, "arrival": 5, "missed_call": 6,
             "met": 7, "late": 7, "missed": 7, "wrong": 7}
LEGEND = ("arrival", "missed_call", "action", "deadline", "met", "late", "missed", "wrong")
_TICK_MINUTES = (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360)


@dataclass(frozen=True)
class Mark:
    at: float
    kind: str


@dataclass(frozen=True)
class Lane:
    label: str
    marks: tuple[Mark, ...] = ()
    spans: tuple[tuple[float, float, str], ...] = ()  # (from, to, kind)
    finding: str | None = None  # None: the lane of an item that arrived


@dataclass(frozen=True)
class Timeline:
    start_minutes: int  # the drill clock at second 0, in minutes after midnight
    end: float
    lanes: tuple[Lane, ...] = field(default_factory=tuple)


def _outcome(finding: dict[str, Any], arrival: float | None) -> Mark | None:
    status, due, done = finding["status"], finding.get("due"), finding.get("done")
    if status in ("met", "late", "wrong") and done is not None:
        return Mark(done, status)
    if status == "wrong":
        times = [item["at"] for item in finding.get("evidence", []) if item.get("at") is not None]
        moment = times[0] if times else due if due is not None else arrival
    else:
        moment = due if due is not None else arrival
    return Mark(moment, status) if moment is not None else None


def _finding_lane(finding: dict[str, Any], label: str, arrival: float | None) -> Lane:
    """A finding's deadline, how it ended, and for a late one the stretch it ran over."""
    due, done = finding.get("due"), finding.get("done")
    marks = [Mark(due, "deadline")] if due is not None else []
    outcome = _outcome(finding, arrival)
    if outcome is not None:
        marks.append(outcome)
    spans = ((due, done, "late_span"),) if finding["status"] == "late" and due is not None and done is not None else ()
    return Lane(strip_controls(label), tuple(marks), spans, finding["id"])


def build_timeline(scenario: Scenario, entries: list[JournalEntry], findings: list[dict[str, Any]],
                   labels: dict[str, str], words: DrillWords) -> Timeline:
    """The lanes of one attempt: items in arrival order, each followed by its findings."""
    arrivals: dict[str, list[float]] = {}
    missed: dict[str, list[float]] = {}
    acted: dict[str, list[tuple[float, float]]] = {}  # item -> (started, done) of each action on it
    end = length_seconds(scenario)
    for entry in entries:
        end = max(end, entry.at)
        if entry.kind == "inject_delivered":
            arrivals.setdefault(entry.data["inject"], []).append(entry.at)
        elif entry.kind == "call_missed":
            missed.setdefault(entry.data["inject"], []).append(entry.at)
        elif entry.kind == "action":
            done = float(entry.data.get("done", entry.at))
            acted.setdefault(entry.data["action"].get("inject"), []).append((entry.at, done))
            end = max(end, done)
    for finding in findings:
        end = max([end] + [t for t in (finding.get("due"), finding.get("done")) if t is not None])
    injects = {inject.id: inject for inject in scenario.injects}
    order = sorted(arrivals, key=lambda inject_id: arrivals[inject_id][0])
    order += sorted({f["inject"] for f in findings} - set(order))
    lanes: list[Lane] = []
    for inject_id in order:
        inject = injects.get(inject_id)
        label = f"{words.t(f'channel.{inject.channel.value}')} {inject.summary}" if inject else inject_id
        marks = [Mark(t, "arrival") for t in arrivals.get(inject_id, [])]
        marks += [Mark(t, "missed_call") for t in missed.get(inject_id, [])]
        marks += [Mark(started, "action") for started, _ in acted.get(inject_id, [])]
        first = arrivals[inject_id][0] if inject_id in arrivals else None
        worked = ((first, max(done for _, done in acted[inject_id]), "span"),) if first is not None and inject_id in acted else ()
        lanes.append(Lane(strip_controls(label), tuple(marks), worked))
        mine = [f for f in findings if f["inject"] == inject_id]
        # In the order their outcomes fall, so the marks step down from left to right.
        mine.sort(key=lambda f: ((_outcome(f, first) or Mark(0.0, "")).at, f.get("due") or 0.0))
        lanes += [_finding_lane(f, labels.get(f["id"], f["id"]), first) for f in mine]
    hours, minutes = scenario.start.split(":")
    return Timeline(int(hours) * 60 + int(minutes), end, tuple(lanes))


def _tick_minutes(span_minutes: float, width: int) -> int:
    for step in _TICK_MINUTES:
        if (span_minutes / step + 1) * 7 <= width:
            return step
    return _TICK_MINUTES[-1]


def _fit(value: str, width: int) -> Text:
    """``value`` cut to ``width`` cells (with an ellipsis) and padded to exactly that."""
    shown = literal(value)
    shown.truncate(width, overflow="ellipsis", pad=True)
    return shown


class DrillTimeline(Widget):
    """The timeline picture; it redraws for whatever width it gets."""

    COMPONENT_CLASSES = {f"debrief-timeline--{name}" for name in
                         ("axis", "item", "label", "selected", *SYMBOLS)}
    DEFAULT_CSS = "DrillTimeline { height: auto; }"

    def __init__(self, timeline: Timeline, words: DrillWords, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline = timeline
        self.words = words
        self.selected: str | None = None

    def select(self, finding_id: str | None) -> None:
        """Highlight the lane of one finding (the one selected in the table)."""
        self.selected = finding_id
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"debrief-timeline--{name}", partial=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 2 + len(self.timeline.lanes) + 2 + self.legend(max(width, 40)).plain.count("\n")

    def label_width(self, width: int) -> int:
        return max(10, min(30, width * 3 // 10))

    def column(self, seconds: float, track: int) -> int:
        end = self.timeline.end or 1.0
        return max(0, min(track - 1, round(seconds / end * (track - 1))))

    def axis(self, track: int) -> tuple[Text, Text]:
        """The clock labels and the axis line under them."""
        step = _tick_minutes(self.timeline.end / 60, track)
        start = self.timeline.start_minutes
        first = -(-start // step) * step  # the first clock time on the step, at or after the start
        labels, line = [" "] * track, ["─"] * track
        free_from = 0
        minute = first
        while (minute - start) * 60 <= self.timeline.end:
            col = self.column((minute - start) * 60, track)
            line[col] = "┬"
            label = f"{(minute // 60) % 24:02d}:{minute % 60:02d}"
            left = min(col, track - len(label))
            if left >= free_from:
                labels[left:left + len(label)] = list(label)
                free_from = left + len(label) + 1
            minute += step
        style = self._style("axis")
        return Text("".join(labels), style=style), Text("".join(line), style=style)

    def lane(self, lane: Lane, track: int) -> Text:
        cells: list[tuple[str, str] | None] = [None] * track
        for start, stop, kind in lane.spans:
            for col in range(self.column(start, track), self.column(stop, track) + 1):
                cells[col] = (SYMBOLS[kind], kind)
        for mark in sorted(lane.marks, key=lambda m: _PRIORITY[m.kind]):
            col = self.column(mark.at, track)
            held = cells[col]
            if held is None or _PRIORITY[held[1]] <= _PRIORITY[mark.kind]:
                cells[col] = (SYMBOLS[mark.kind], mark.kind)
        row = Text()
        for cell in cells:
            row.append(" ") if cell is None else row.append(cell[0], self._style(cell[1]))
        return row

    def legend(self, width: int) -> Text:
        """The key to the symbols, wrapped to ``width``."""
        legend = Text()
        used = 0
        for kind in LEGEND:
            name = self.words.t(f"debrief.timeline.{kind}")
            size = 2 + cell_len(name) + 3
            if used and used + size > width:
                legend.append("\n")
                used = 0
            legend.append(SYMBOLS[kind], self._style(kind))
            legend.append(f" {name}   ")
            used += size
        return legend

    def render(self) -> Text:
        width = max(self.size.width, 40)
        label_width = self.label_width(width)
        track = width - label_width - 1
        clock, line = self.axis(track)
        rows = [Text(" " * (label_width + 1)) + clock, Text(" " * (label_width + 1)) + line]
        for lane in self.timeline.lanes:
            if lane.finding is None:
                label = _fit(lane.label, label_width)
                label.stylize(self._style("item"))
            else:
                label = _fit("  " + lane.label, label_width)
                label.stylize(self._style("selected" if lane.finding == self.selected else "label"))
            rows.append(label + Text(" ") + self.lane(lane, track))
        rows.append(Text(""))
        rows.append(self.legend(width))
        return Text("\n").join(rows)
