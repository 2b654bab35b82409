"""The drill library: every built-in and user drill, filterable, with the trainee's scores.

Practice mode shows hints (deadline countdowns, rule links); exam mode shows none and
counts toward clearance. G joins a trainer's group drill with the code read out.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Select, Static

from drills.catalog import DrillFile
from drills.scenario import Channel, Competency, Difficulty
from scoring.records import Trainee
from scoring.sitting import Sitting
from tui.keys import binding, localize_bindings
from tui.screens.join_group import JoinGroupScreen
from tui.screens.pin import PinScreen
from tui.safe_text import literal

if TYPE_CHECKING:
    from scoring.groups import GroupSitting


class LibraryScreen(Screen[None]):
    BINDINGS = [
        binding("library.practice", "start('practice')"),
        binding("library.exam", "start('exam')"),
        binding("library.progress", "progress"),
        binding("library.join_group", "join_group"),
        binding("library.back", "app.pop_screen"),
    ]

    def __init__(self, trainee: Trainee) -> None:
        super().__init__()
        self.trainee = trainee
        self.shown: list[DrillFile] = []

    def compose(self) -> ComposeResult:
        t = self.app.t
        localize_bindings(self, self.app.language)
        yield Header()
        yield Static(literal(t("library.heading_for", name=self.trainee.name)), id="library-heading")
        with Horizontal(id="library-filters"):
            yield Select([(t(f"difficulty.{d.value}"), d.value) for d in Difficulty], prompt=t("library.filter.difficulty"), id="filter-difficulty")
            yield Select([(t(f"competency.{c.value}"), c.value) for c in Competency], prompt=t("library.filter.competency"), id="filter-competency")
            yield Select([(t(f"channel.{c.value}"), c.value) for c in Channel], prompt=t("library.filter.channel"), id="filter-channel")
            yield Select([("中文", "zh"), ("English", "en")], prompt=t("library.filter.language"), id="filter-language",
                         value=self.app.language)
        with Horizontal(id="library-body"):
            yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="drill-description"):
                yield Static("", id="description-text")
        if self.app.library.problems:
            yield Static(t("library.problems", count=len(self.app.library.problems)), id="library-problems")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        for column in ("title", "difficulty", "length", "last", "best"):
            table.add_column(self.app.t(f"library.columns.{column}"), key=column)
        self.fill_table()
        table.focus()

    def _filters(self) -> dict[str, str | None]:
        values = {}
        for name in ("difficulty", "competency", "channel", "language"):
            value = self.query_one(f"#filter-{name}", Select).value
            values[name] = None if value is Select.NULL else str(value)
        return values

    def _matches(self, drill: DrillFile, filters: dict[str, str | None]) -> bool:
        scenario = drill.scenario
        channels = {inject.channel.value for inject in scenario.injects}
        return ((filters["difficulty"] in (None, scenario.difficulty.value))
                and (filters["competency"] is None or filters["competency"] in {c.value for c in scenario.competencies})
                and (filters["channel"] is None or filters["channel"] in channels)
                and (filters["language"] in (None, scenario.language)))

    def fill_table(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        table.clear()
        filters = self._filters()
        attempts = [a for a in self.app.records.attempts_of(self.trainee) if a.score is not None and a.status == "finished"]
        self.shown = sorted((d for d in self.app.library.drills if self._matches(d, filters)),
                            key=lambda d: (d.scenario.difficulty != Difficulty.beginner, d.scenario.id))
        for drill in self.shown:
            scenario = drill.scenario
            scores = [a.score for a in attempts if a.drill == scenario.id and a.language == scenario.language]
            table.add_row(
                literal(scenario.title),
                self.app.t(f"difficulty.{scenario.difficulty.value}"),
                self.app.t("library.minutes", minutes=int(scenario.length)),
                str(scores[-1]) if scores else "—",
                str(max(scores)) if scores else "—",
                key=f"{scenario.id}:{scenario.language}",
            )
        self.describe(self.shown[0] if self.shown else None)

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.fill_table()

    @on(DataTable.RowHighlighted, "#drill-table")
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.shown):
            self.describe(self.shown[event.cursor_row])

    @on(DataTable.RowSelected, "#drill-table")
    def row_selected(self) -> None:
        self.action_start("practice")

    def describe(self, drill: DrillFile | None) -> None:
        target = self.query_one("#description-text", Static)
        if drill is None:
            target.update(self.app.t("library.empty"))
            return
        scenario = drill.scenario
        t = self.app.t
        channels = sorted({inject.channel.value for inject in scenario.injects})
        body = literal(scenario.title + "\n\n", "bold")
        body.append_text(literal(scenario.description + "\n\n"))
        body.append_text(literal(t("library.competencies", names="、".join(t(f"competency.{c.value}") for c in scenario.competencies)) + "\n"))
        body.append_text(literal(t("library.channels", names="、".join(t(f"channel.{c}") for c in channels)) + "\n"))
        body.append_text(literal(t("library.modes")))
        target.update(body)

    def selected(self) -> DrillFile | None:
        row = self.query_one("#drill-table", DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def action_start(self, mode: str) -> None:
        from scoring.credentials import trainee_has_pin

        drill = self.selected()
        if drill is None:
            return
        seed = random.SystemRandom().randrange(1, 1_000_000)
        if mode == "exam" and trainee_has_pin(self.app.records.db, self.trainee):
            self.app.push_screen(PinScreen(self.trainee.name), callback=lambda pin: self.start_exam(drill, seed, pin))
            return
        if mode == "exam":
            self.notify(self.app.t("library.exam_uncounted", name=self.trainee.name), severity="warning", timeout=8)
        self.enter(Sitting.start(self.app.records, self.trainee, drill, self.app.policy, seed, mode))

    def start_exam(self, drill: DrillFile, seed: int, pin: str | None) -> None:
        """An exam under the trainee's PIN counts toward clearance (the attempt is attested)."""
        from scoring.records import RecordsError
        from scoring.attestation import sit_exam_with_pin

        if pin is None:
            return
        try:
            sitting = sit_exam_with_pin(self.app.records, self.trainee, pin, drill, self.app.policy, seed)
        except RecordsError as error:
            self.notify(self.app.t(f"records.error.{error.code}", **error.details), severity="error")
            return
        self.enter(sitting)

    def enter(self, sitting: Sitting, group: GroupSitting | None = None) -> None:
        from tui.screens.drill_room import DrillRoomScreen

        self.app.push_screen(DrillRoomScreen(sitting, group), callback=lambda _: self.fill_table())

    def action_join_group(self) -> None:
        self.app.push_screen(JoinGroupScreen(self.trainee.name), callback=self.join_group)

    def join_group(self, code: str | None) -> None:
        """Join (or rejoin) the trainer's session: the drill room then runs on the shared clock."""
        from drills.session import ReplayMismatch
        from scoring.groups import join_session
        from scoring.records import RecordsError

        if code is None:
            return
        try:
            group = join_session(self.app.records, code, self.trainee.name, self.app.policy, time.time())
        except RecordsError as error:
            self.notify(self.app.t(f"records.error.{error.code}", **error.details), severity="error", timeout=8)
            return
        except ReplayMismatch:
            self.notify(self.app.t("start.cannot_resume"), severity="error")
            return
        self.enter(group.sitting, group)

    def action_progress(self) -> None:
        self.app.show_progress()
