"""Every key binding in one registry: binding id → default key.

Screens build their ``Binding`` objects from here (so every binding has an id that a
keymap can remap) and take the footer text from the interface language, looked up as
``binding.<id>`` in ``tui/i18n``.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from tui.i18n import text

DEFAULT_KEYS: dict[str, str] = {
    "app.rulebook": "f1",
    "app.quit": "ctrl+q",
    "start.language": "f2",
    "start.progress": "f3",
    "library.practice": "p",
    "library.exam": "e",
    "library.back": "escape",
    "library.progress": "f3",
    "library.join_group": "g",
    "join.cancel": "escape",
    "start.trainer": "f4",
    "trainer.cancel": "escape",
    "trainer.readiness": "r",
    "trainer.back": "escape",
    "console.start": "f2",
    "console.pause": "f3",
    "console.fire": "f4",
    "console.back5": "f5",
    "console.back1": "f6",
    "console.forward1": "f7",
    "console.forward5": "f8",
    "console.debrief": "f9",
    "console.close": "f10",
    "console.back": "escape",
    "console.dialog_close": "escape",
    "pin.cancel": "escape",
    "drill.answer": "f2",
    "drill.log": "f3",
    "drill.directory": "f4",
    "drill.report": "f5",
    "drill.pause": "f7",
    "drill.skip": "f8",
    "drill.handover": "f6",
    "drill.finish": "f10",
    "drill.next_item": "ctrl+n",
    "drill.previous_item": "ctrl+b",
    "rulebook.close": "escape",
    "rulebook.search": "ctrl+f",
    "debrief.open_rule": "enter",
    "debrief.close": "escape",
    "debrief.timeline": "t",
    "progress.close": "escape",
    "progress.open_attempt": "enter",
    "readiness.close": "escape",
    "readiness.export": "e",
}


def binding(binding_id: str, action: str, show: bool = True, priority: bool = False) -> Binding:
    """A binding with its registry key and id; the description is filled in per language."""
    return Binding(DEFAULT_KEYS[binding_id], action, binding_id, show=show, priority=priority, id=binding_id)


def localize_bindings(node: DOMNode, language: str) -> None:
    """Give this node's bindings their footer text in ``language`` (call in ``__init__``)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=text(language, f"binding.{b.id}")) if b.id else b for b in bindings
        ]
