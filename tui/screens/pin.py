"""Asking a trainee for their PIN before an exam, so nobody sits it under another's name."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.keys import binding, localize_bindings
from tui.safe_text import literal

MAX_PIN = 12


class PinScreen(ModalScreen[str | None]):
    """Returns the PIN typed, or None if the trainee backed out."""

    BINDINGS = [binding("pin.cancel", "cancel")]

    def __init__(self, trainee_name: str) -> None:
        super().__init__()
        self.trainee_name = trainee_name

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.language)
        with Vertical(id="pin-box"):
            yield Static(literal(self.app.t("pin.prompt", name=self.trainee_name)))
            yield Input(password=True, max_length=MAX_PIN, restrict=r"[0-9]*", id="pin-input")

    @on(Input.Submitted, "#pin-input")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
