"""The trainer's desk: open a study-day group drill, return to an open one, see readiness.

Reached from the start screen after the trainer passphrase. Opening a session snapshots
the drill with a seed and mode and gives the join code to read out; the console (the
screen the trainer runs the session from) opens at once.
"""

from __future__ import annotations

import random

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from drills.catalog import DrillFile
from scoring.group_reports import open_sessions
from scoring.groups import open_session
from scoring.trainers import Trainer
from tui.keys import binding, localize_bindings
from tui.safe_text import literal

MAX_SEED = 999_999


class TrainerHomeScreen(Screen[None]):
    BINDINGS = [
        binding("trainer.readiness", "readiness"),
        binding("trainer.back", "app.pop_screen"),
    ]

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()
        self.trainer = trainer
        self.drills: list[DrillFile] = []

    def compose(self) -> ComposeResult:
        t = self.app.t
        localize_bindings(self, self.app.language)
        yield Header()
        with Horizontal(id="trainer-columns"):
            with Vertical(id="trainer-open"):
                yield Static(t("trainer.home.open"), classes="section-title")
                yield OptionList(id="trainer-drills")
                with Horizontal(id="trainer-options"):
                    yield Select([(t("mode.practice"), "practice"), (t("mode.exam"), "exam")], value="practice",
                                 allow_blank=False, id="trainer-mode")
                    yield Input(placeholder=t("trainer.home.seed"), restrict=r"[0-9]*", max_length=6, id="trainer-seed")
                yield Button(t("trainer.home.open_button"), id="open-session", variant="primary")
            with Vertical(id="trainer-sessions-column"):
                yield Static(t("trainer.home.sessions"), classes="section-title")
                yield OptionList(id="trainer-sessions")
        yield Footer()

    def on_mount(self) -> None:
        language = self.app.language
        self.drills = sorted((d for d in self.app.library.drills if d.scenario.language == language),
                             key=lambda d: d.scenario.title) or list(self.app.library.drills)
        drills = self.query_one("#trainer-drills", OptionList)
        drills.add_options(Option(literal(d.scenario.title), id=str(i)) for i, d in enumerate(self.drills))
        drills.highlighted = 0 if self.drills else None
        drills.focus()
        self.show_sessions()

    def on_screen_resume(self) -> None:
        self.show_sessions()

    def show_sessions(self) -> None:
        t = self.app.t
        sessions = self.query_one("#trainer-sessions", OptionList)
        sessions.clear_options()
        for session in open_sessions(self.trainer.db):
            drill = self.app.library.find(session.drill, session.language)
            title = drill.scenario.title if drill else session.drill
            label = t("trainer.home.session", code=session.code, drill=title, state=t(f"group.state.{session.state}"),
                      mode=t(f"mode.{session.mode}"))
            sessions.add_option(Option(literal(label), id=str(session.id)))
        if sessions.option_count:
            sessions.highlighted = 0
        else:
            sessions.add_option(Option(t("trainer.home.no_sessions"), disabled=True))

    @on(OptionList.OptionSelected, "#trainer-drills")
    def drill_chosen(self) -> None:
        self.query_one("#open-session", Button).focus()

    @on(Button.Pressed, "#open-session")
    def open_chosen(self) -> None:
        index = self.query_one("#trainer-drills", OptionList).highlighted
        if index is None or not self.drills:
            return
        seed_text = self.query_one("#trainer-seed", Input).value
        seed = int(seed_text) if seed_text else random.SystemRandom().randrange(1, MAX_SEED)
        mode = str(self.query_one("#trainer-mode", Select).value)
        session = open_session(self.trainer, self.drills[index], seed, mode)
        self.notify(self.app.t("trainer.home.opened", code=session.code), timeout=10)
        self.enter_console(session.id)

    @on(OptionList.OptionSelected, "#trainer-sessions")
    def session_chosen(self, event: OptionList.OptionSelected) -> None:
        self.enter_console(int(str(event.option.id)))

    def enter_console(self, session_id: int) -> None:
        from tui.screens.group_console import GroupConsoleScreen

        self.app.push_screen(GroupConsoleScreen(self.trainer, session_id))

    def action_readiness(self) -> None:
        from tui.screens.readiness import ReadinessScreen

        self.app.push_screen(ReadinessScreen(self.trainer))
