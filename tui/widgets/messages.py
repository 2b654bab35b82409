"""Messages the drill-room widgets send up to the screen, which forwards them to the sitting."""

from __future__ import annotations

from textual.message import Message

from drills.actions import Action


class ActionRequested(Message):
    """The trainee asked for an action; the screen takes it (or says why it cannot)."""

    def __init__(self, action: Action) -> None:
        super().__init__()
        self.action = action


class DraftChanged(Message):
    """Something typed changed, so the screen can keep it safe until it is sent."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__()
        self.field = field
        self.value = value
