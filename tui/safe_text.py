"""Showing untrusted text (drill files, rulebook, typed input) literally and safely.

Rich markup is never interpreted (a ``Text`` is not parsed for markup) and terminal
control sequences are removed, so ``[link=...]`` or an escape code shows as typed, or not
at all, but never acts.
"""

from __future__ import annotations

import re

from rich.text import Text

# ESC-introduced sequences (CSI, OSC, …) first, then any other C0/C1 control but tab and newline.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(value: str) -> str:
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", value))


def literal(value: str, style: str = "") -> Text:
    """A Rich Text holding ``value`` exactly as written, minus control characters."""
    return Text(strip_controls(value), style=style)
