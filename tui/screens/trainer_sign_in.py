"""The trainer passphrase, asked before any trainer screen; set here on first use.

Returns a signed-in ``Trainer`` (the only way scoring hands one out), or None when the
person backs out. A wrong passphrase shuts the field for a moment, so it cannot be
guessed at typing speed.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from scoring.records import RecordsError
from scoring.trainers import Trainer, passphrase_is_set
from tui.keys import binding, localize_bindings

MAX_PASSPHRASE = 200
WRONG_PASSPHRASE_DELAY = 1.5  # seconds


class TrainerSignInScreen(ModalScreen[Trainer | None]):
    BINDINGS = [binding("trainer.cancel", "cancel")]

    def __init__(self, delay: float | None = None) -> None:
        super().__init__()
        self.delay = WRONG_PASSPHRASE_DELAY if delay is None else delay

    def compose(self) -> ComposeResult:
        t = self.app.t
        localize_bindings(self, self.app.language)
        self.first_use = not passphrase_is_set(self.app.records.db)
        with Vertical(id="trainer-sign-in"):
            yield Static(t("trainer.sign_in.title"), classes="section-title")
            yield Static(t("trainer.sign_in.first_use" if self.first_use else "trainer.sign_in.prompt"))
            yield Input(password=True, max_length=MAX_PASSPHRASE, id="passphrase")
            if self.first_use:
                yield Static(t("trainer.sign_in.again"))
                yield Input(password=True, max_length=MAX_PASSPHRASE, id="passphrase-again")
            yield Static("", id="sign-in-message")

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def passphrase_entered(self, event: Input.Submitted) -> None:
        if self.first_use:
            self.query_one("#passphrase-again", Input).focus()
            return
        try:
            trainer = Trainer.sign_in(self.app.records, event.value)
        except RecordsError as error:
            self.refuse(error)
            return
        self.dismiss(trainer)

    @on(Input.Submitted, "#passphrase-again")
    def first_passphrase_entered(self, event: Input.Submitted) -> None:
        first = self.query_one("#passphrase", Input).value
        if event.value != first:
            self.say(self.app.t("trainer.sign_in.mismatch"))
            event.input.value = ""
            return
        try:
            trainer = Trainer.set_first_passphrase(self.app.records, first)
        except RecordsError as error:
            self.say(self.app.t(f"records.error.{error.code}", **error.details))
            return
        self.notify(self.app.t("trainer.passphrase.set"))
        self.dismiss(trainer)

    def refuse(self, error: RecordsError) -> None:
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.disabled = True
        self.say(self.app.t(f"records.error.{error.code}", **error.details))
        self.set_timer(self.delay, self.reopen)

    def reopen(self) -> None:
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.focus()

    def say(self, message: str) -> None:
        self.query_one("#sign-in-message", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
