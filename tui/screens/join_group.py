"""A trainee joins a study-day group drill with the code the trainer reads out."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from scoring.groups import CODE_ALPHABET, CODE_LENGTH
from tui.keys import binding, localize_bindings
from tui.safe_text import literal


class JoinGroupScreen(ModalScreen[str | None]):
    """Returns the join code typed (upper-cased), or None if the trainee backed out."""

    BINDINGS = [binding("join.cancel", "cancel")]

    def __init__(self, trainee_name: str) -> None:
        super().__init__()
        self.trainee_name = trainee_name

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.language)
        with Vertical(id="join-box"):
            yield Static(literal(self.app.t("join.prompt", name=self.trainee_name)))
            # Lower case is accepted and raised: the code is read aloud across a room.
            allowed = CODE_ALPHABET + CODE_ALPHABET.lower()
            yield Input(max_length=CODE_LENGTH, restrict=f"[{allowed}]*", id="join-code")

    @on(Input.Submitted, "#join-code")
    def submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip().upper()
        if len(code) == CODE_LENGTH:
            self.dismiss(code)
        else:
            self.notify(self.app.t("join.too_short", length=CODE_LENGTH), severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
