"""The trainer's console for a study-day group drill.

Shows the join code to read out, the shared drill clock and every trainee live (their
drill clock, last action, open deadlines and score so far, read from their journals), and
runs the session for everyone: start, pause and resume, fire an inject now, shift the clock
by ±1 or ±5 minutes, close, and the group debrief. The members' status is rebuilt in a
thread worker on its own database connection (replaying every journal takes a while with
a full room), so the console never stutters.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from drills.scenario import Scenario
from drills.timing import clock_text
from scoring.group_reports import group_status
from scoring.groups import (
    GroupSession,
    close_session,
    drill_seconds_at,
    fire_inject,
    pause_session,
    resume_session,
    session_by_id,
    session_drill_file,
    shift_session,
    start_session,
)
from scoring.records import RecordsError, open_records
from scoring.trainers import Trainer
from tui.group_text import MEMBER_COLUMNS, GroupWords, column_titles
from tui.keys import binding, localize_bindings
from tui.safe_text import literal

CLOCK_SECONDS = 0.5
STATUS_SECONDS = 2.0
CLOSE_CONFIRM_SECONDS = 5.0


class GroupConsoleScreen(Screen[None]):
    BINDINGS = [
        binding("console.start", "start"),
        binding("console.pause", "pause_or_resume"),
        binding("console.fire", "fire"),
        binding("console.back5", "shift(-5)"),
        binding("console.back1", "shift(-1)"),
        binding("console.forward1", "shift(1)"),
        binding("console.forward5", "shift(5)"),
        binding("console.debrief", "debrief"),
        binding("console.close", "close_session"),
        binding("console.back", "app.pop_screen"),
    ]

    def __init__(self, trainer: Trainer, session_id: int) -> None:
        super().__init__()
        self.trainer = trainer
        self.session: GroupSession = session_by_id(trainer.db, session_id)
        self.scenario: Scenario = session_drill_file(trainer.db, self.session).scenario
        self.close_asked_at: float | None = None
        self.status_failed = False
        self.member_count = 0
        self.seen_members: dict = {}  # group_status replays only members whose journal grew (touched by one worker at a time)

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.language)
        yield Header()
        yield Static("", id="console-heading")
        yield Static("", id="console-join")
        yield DataTable(id="console-members", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.app.t
        self.words = GroupWords(self.app.language, self.scenario, self.session.seed)
        table = self.query_one("#console-members", DataTable)
        table.add_columns(*column_titles(self.app.language, MEMBER_COLUMNS), t("console.columns.status"))
        self.show_heading()
        self.set_interval(CLOCK_SECONDS, self.show_heading)
        self.set_interval(STATUS_SECONDS, self.load_status)
        self.load_status()

    # -- what the trainer sees --------------------------------------------------------------

    def show_heading(self) -> None:
        t, session = self.app.t, self.session
        self.session = session = session_by_id(self.trainer.db, session.id)
        clock = clock_text(self.scenario, drill_seconds_at(session, time.time()), True)
        self.query_one("#console-heading", Static).update(literal(t(
            "console.heading", code=session.code, drill=self.scenario.title, state=t(f"group.state.{session.state}"),
            clock=clock, speed=f"{session.speed:g}", mode=t(f"mode.{session.mode}"))))
        self.query_one("#console-join", Static).update(
            t(f"console.hint.{session.state}", code=session.code) + "  " + t("console.members", count=self.member_count))

    @work(thread=True, exclusive=True, group="console-status")
    def load_status(self) -> None:
        # sqlite3 connections belong to the thread that opened them: this worker opens its own.
        try:
            db = open_records(self.app.settings.database)
            try:
                status = group_status(db, self.session.id, time.time(), self.seen_members)
            finally:
                db.close()
        except (RecordsError, sqlite3.Error, OSError) as error:
            self.app.call_from_thread(self.status_unavailable, str(error))
            return
        self.app.call_from_thread(self.show_members, status)

    def show_members(self, status: dict[str, Any]) -> None:
        self.status_failed = False
        t = self.app.t
        table = self.query_one("#console-members", DataTable)
        row = table.cursor_row
        table.clear()
        for member in status["members"]:
            cells = self.words.member_row(member) + [t(f"records.attempt_status.{member['status']}")]
            table.add_row(*(literal(cell) for cell in cells), key=str(member["attempt"]))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self.member_count = len(status["members"])
        self.show_heading()

    def status_unavailable(self, reason: str) -> None:
        if not self.status_failed:
            self.notify(self.app.t("console.status_failed", reason=reason), severity="warning", timeout=8)
        self.status_failed = True

    # -- what the trainer does for everyone ---------------------------------------------------

    def control(self, change: Callable[[], GroupSession], said: str) -> None:
        """Make a change to the session; a refusal (say, pausing what is not running) is worded."""
        try:
            self.session = change()
        except RecordsError as error:
            self.notify(self.app.t(f"records.error.{error.code}", **error.details), severity="warning")
            return
        clock = clock_text(self.scenario, drill_seconds_at(self.session, time.time()), True)
        self.notify(self.app.t(said, code=self.session.code, clock=clock, state=self.app.t(f"group.state.{self.session.state}")))
        self.show_heading()
        self.load_status()

    def action_start(self) -> None:
        self.control(lambda: start_session(self.trainer, self.session.id, time.time()), "group.started")

    def action_pause_or_resume(self) -> None:
        if self.session.state == "paused":
            self.control(lambda: resume_session(self.trainer, self.session.id, time.time()), "group.resumed")
        else:
            self.control(lambda: pause_session(self.trainer, self.session.id, time.time()), "group.paused")

    def action_shift(self, minutes: int) -> None:
        self.control(lambda: shift_session(self.trainer, self.session.id, minutes, time.time()), "group.shifted")

    def action_fire(self) -> None:
        from tui.screens.group_dialogs import FireInjectScreen

        def fire(inject: str | None) -> None:
            if inject is not None:
                self.control(lambda: fire_inject(self.trainer, self.session.id, inject, time.time()), "group.fired")
        self.app.push_screen(FireInjectScreen(self.scenario), callback=fire)

    def action_close_session(self) -> None:
        """F10 twice within a few seconds: one stray key must not end a room's drill."""
        now = time.monotonic()
        if self.close_asked_at is None or now - self.close_asked_at > CLOSE_CONFIRM_SECONDS:
            self.close_asked_at = now
            self.notify(self.app.t("console.confirm_close"))
            return
        self.close_asked_at = None
        self.control(lambda: close_session(self.trainer, self.session.id, time.time()), "group.closed")

    def action_debrief(self) -> None:
        from tui.screens.group_dialogs import GroupDebriefScreen

        self.app.push_screen(GroupDebriefScreen(self.trainer, self.session, self.scenario))
