"""The access code, asked for before anything else when the app is served to other machines.

textual-serve has no authentication of its own, so ``dutydrill serve`` hands each served
app the code in the environment variable ``DUTYDRILL_ACCESS_CODE`` (never on a command
line, where any user of the machine could read it) and the app opens on this screen.
While it is up the app's keys and command palette do nothing but quit (``locks_app``).
A wrong code costs a short wait; the fifth wrong one closes the app; too many wrong codes
from all pages together shut every access screen for a while (``tui/access_log.py``).
"""

from __future__ import annotations

import hmac
import math
import os

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from drills.locations import data_home
from tui.access_log import WrongCodeLog

ACCESS_CODE_ENV = "DUTYDRILL_ACCESS_CODE"
WRONG_CODES_FILE = "access-wrong-codes"
MAX_TRIES = 5
WRONG_CODE_DELAY = 1.5  # seconds the input stays shut after a wrong code


def code_matches(given: str, expected: str) -> bool:
    """Whether ``given`` is the code, compared in constant time (surrounding spaces ignored)."""
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


def first_screen() -> Screen[None]:
    """The access screen when a code is set in the environment, else the start screen.

    The code is taken out of the environment, so nothing the app starts inherits it.
    """
    from tui.screens.start import StartScreen

    code = os.environ.pop(ACCESS_CODE_ENV, "").strip()
    return AccessScreen(code) if code else StartScreen()


class AccessScreen(Screen[None]):
    locks_app = True  # the app refuses every action but quit while this screen is on top

    def __init__(self, code: str, delay: float | None = None, wrong_codes: WrongCodeLog | None = None) -> None:
        super().__init__()
        self._code = code
        self._delay = WRONG_CODE_DELAY if delay is None else delay
        self._wrong_codes = wrong_codes or WrongCodeLog(data_home() / WRONG_CODES_FILE)
        self.wrong_tries = 0

    def compose(self) -> ComposeResult:
        app = self.app
        yield Header()
        with Vertical(id="start-body"):  # laid out and coloured like the start screen
            yield Static(app.t("access.title"), classes="section-title")
            yield Static(app.t("access.prompt"), id="access-prompt")
            yield Input(placeholder=app.t("access.placeholder"), password=True, id="access-code")
            yield Static("", id="start-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#access-code", Input).focus()

    @on(Input.Submitted, "#access-code")
    def code_entered(self, event: Input.Submitted) -> None:
        field = event.input
        locked_for = self._wrong_codes.locked_for()
        if locked_for > 0:  # every page is shut for now, the right code too: that is what stops guessing
            field.value = ""
            self.query_one("#start-message", Static).update(
                self.app.t("access.locked", minutes=math.ceil(locked_for / 60)))
            return
        if code_matches(event.value, self._code):
            from tui.screens.start import StartScreen

            self.app.switch_screen(StartScreen())
            return
        self.wrong_tries += 1
        self._wrong_codes.record()
        field.value = ""
        if self.wrong_tries >= MAX_TRIES:
            self.app.exit(return_code=1, message=self.app.t("access.too_many"))
            return
        self.query_one("#start-message", Static).update(
            self.app.t("access.wrong", left=MAX_TRIES - self.wrong_tries))
        field.disabled = True
        self.set_timer(self._delay, self._reopen)

    def _reopen(self) -> None:
        field = self.query_one("#access-code", Input)
        field.disabled = False
        field.focus()
