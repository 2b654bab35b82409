"""Start: pick or create a trainee, choose the language, continue an interrupted drill."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.keys import binding, localize_bindings
from tui.safe_text import literal, strip_controls

if TYPE_CHECKING:
    from scoring.records import Attempt

MAX_NAME = 40


class StartScreen(Screen[None]):
    BINDINGS = [
        binding("start.language", "switch_language"),
        binding("start.progress", "progress"),
        binding("start.trainer", "trainer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.interrupted: Attempt | None = None

    def compose(self) -> ComposeResult:
        app = self.app
        localize_bindings(self, app.language)
        yield Header()
        with Vertical(id="start-body"):
            yield Static(app.t("start.welcome"), id="start-welcome")
            with Horizontal(id="start-columns"):
                with Vertical(id="start-trainees"):
                    yield Static(app.t("start.pick"), classes="section-title")
                    yield OptionList(id="trainee-list")
                with Vertical(id="start-new"):
                    yield Static(app.t("start.new"), classes="section-title")
                    yield Input(placeholder=app.t("start.name"), max_length=MAX_NAME, id="new-name")
                    yield Input(placeholder=app.t("start.unit"), max_length=MAX_NAME, id="new-unit")
                    yield Button(app.t("start.create"), id="create-trainee", variant="primary")
                    yield Static("", id="start-message")
            with Horizontal(id="interrupted", classes="hidden"):
                yield Static("", id="interrupted-text")
                yield Button(app.t("start.resume"), id="resume", variant="success")
                yield Button(app.t("start.close_interrupted"), id="close-interrupted", variant="warning")
        yield Footer()

    def on_mount(self) -> None:
        # At start-up the app calls open_records once the first frame is on screen.
        if self.app.ready:
            self.call_after_refresh(self.open_records)

    def open_records(self) -> None:
        from click import ClickException

        from drills.database import DatabaseError

        try:
            self.app.records
            self.app.library  # a broken policy file shows here, not mid-drill
        except DatabaseError as error:
            self.app.fail(str(error))
            return
        except ClickException as error:
            self.app.fail(error.message)
            return
        self.refresh_trainees()

    def refresh_trainees(self, select: str | None = None) -> None:
        options = self.query_one("#trainee-list", OptionList)
        options.clear_options()
        trainees = self.app.records.trainees()
        for trainee in trainees:
            label = f"{trainee.name}  ·  {trainee.unit}" if trainee.unit else trainee.name
            options.add_option(Option(literal(label), id=trainee.name))
        if not trainees:
            self.query_one("#new-name", Input).focus()
            return
        names = [trainee.name for trainee in trainees]
        options.highlighted = names.index(select) if select in names else 0
        options.focus()

    @on(Button.Pressed, "#create-trainee")
    @on(Input.Submitted, "#new-name, #new-unit")
    def create_trainee(self) -> None:
        from scoring.records import RecordsError

        name = strip_controls(self.query_one("#new-name", Input).value).strip()
        unit = strip_controls(self.query_one("#new-unit", Input).value).strip()
        message = self.query_one("#start-message", Static)
        try:
            trainee = self.app.records.add_trainee(name, unit)
        except RecordsError as error:
            message.update(self.app.t(f"records.error.{error.code}", **error.details))
            return
        message.update(self.app.t("start.created", name=trainee.name))
        self.query_one("#new-name", Input).value = ""
        self.query_one("#new-unit", Input).value = ""
        self.refresh_trainees(select=trainee.name)

    @on(OptionList.OptionSelected, "#trainee-list")
    def trainee_chosen(self, event: OptionList.OptionSelected) -> None:
        trainee = self.app.records.require_trainee(str(event.option.id))
        self.app.trainee = trainee
        running = [a for a in self.app.records.attempts_of(trainee) if a.status == "running"]
        if running:
            self.offer_to_continue(running[-1])
        else:
            self.app.open_library()

    def offer_to_continue(self, attempt: Attempt) -> None:
        drill = self.app.library.find(attempt.drill, attempt.language)
        title = drill.scenario.title if drill else attempt.drill
        self.interrupted = attempt
        self.query_one("#interrupted-text", Static).update(
            literal(self.app.t("start.interrupted", title=title, started=attempt.started)))
        self.query_one("#interrupted").remove_class("hidden")
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed, "#resume")
    def resume(self) -> None:
        from drills.session import ReplayMismatch
        from scoring.sitting import Sitting
        from tui.screens.drill_room import DrillRoomScreen

        attempt = self.interrupted
        if attempt is not None and self.rejoin_group(attempt):
            return
        drill_file = self.app.library.find(attempt.drill, attempt.language) if attempt else None
        try:
            if attempt is None or drill_file is None:
                raise ReplayMismatch("the drill file is no longer in the library")
            sitting = Sitting.resume(self.app.records, attempt, drill_file, self.app.policy)
        except ReplayMismatch:
            self.notify(self.app.t("start.cannot_resume"), severity="error")
            return
        self.query_one("#interrupted").add_class("hidden")
        self.app.push_screen(DrillRoomScreen(sitting))

    def rejoin_group(self, attempt: Attempt) -> bool:
        """An attempt from a group drill resumes on the session's shared clock, not alone."""
        import time

        from drills.session import ReplayMismatch
        from scoring.group_reports import session_of_attempt
        from scoring.groups import join_session
        from scoring.records import RecordsError
        from tui.screens.drill_room import DrillRoomScreen

        session = session_of_attempt(self.app.records.db, attempt.id)
        if session is None:
            return False
        try:
            group = join_session(self.app.records, session.code, self.app.trainee.name, self.app.policy, time.time())
        except RecordsError as error:
            self.notify(self.app.t(f"records.error.{error.code}", **error.details), severity="error")
            return True
        except ReplayMismatch:
            self.notify(self.app.t("start.cannot_resume"), severity="error")
            return True
        self.query_one("#interrupted").add_class("hidden")
        self.app.push_screen(DrillRoomScreen(group.sitting, group))
        return True

    @on(Button.Pressed, "#close-interrupted")
    def close_interrupted(self) -> None:
        if self.interrupted is not None:
            self.app.records.close_run(self.interrupted.run_id, "interrupted")
            self.interrupted = None
        self.query_one("#interrupted").add_class("hidden")
        self.app.open_library()

    def action_switch_language(self) -> None:
        self.app.switch_language()

    def action_trainer(self) -> None:
        """The trainer passphrase, then the trainer's desk."""
        from tui.screens.trainer_home import TrainerHomeScreen
        from tui.screens.trainer_sign_in import TrainerSignInScreen

        def signed_in(trainer) -> None:
            if trainer is not None:
                self.app.push_screen(TrainerHomeScreen(trainer))
        self.app.push_screen(TrainerSignInScreen(), callback=signed_in)

    def action_progress(self) -> None:
        """The highlighted trainee's progress (the list is where a trainee is picked)."""
        option = self.query_one("#trainee-list", OptionList).highlighted_option
        if option is not None:
            self.app.trainee = self.app.records.require_trainee(str(option.id))
        self.app.show_progress()
