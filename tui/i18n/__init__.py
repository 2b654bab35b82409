"""Interface text, kept per language; nothing else in ``tui/`` holds display strings.

Each language's table is ``<lang>.py`` (app-wide and command-line text) merged with one
module per screen family, ``<area>_<lang>.py``, so that screens can grow independently.
``text(language, key, **values)`` looks a string up and fills ``{name}`` fields; a test
checks that both languages have the same keys.
"""

from __future__ import annotations

import importlib

LANGUAGES = ("zh", "en")
AREAS = ("screens", "drill_room", "rulebook", "debrief", "progress", "trainer", "readiness")


def _table(language: str) -> dict[str, str]:
    table = dict(importlib.import_module(f"tui.i18n.{language}").STRINGS)
    for area in AREAS:
        module = importlib.import_module(f"tui.i18n.{area}_{language}")
        overlap = table.keys() & module.STRINGS.keys()
        assert not overlap, f"{area}_{language} repeats keys {sorted(overlap)[:3]}"
        table.update(module.STRINGS)
    return table


TABLES = {language: _table(language) for language in LANGUAGES}


def text(language: str, key: str, **values: object) -> str:
    """The string for ``key`` in ``language`` (English if missing), with values filled in."""
    template = TABLES.get(language, TABLES["en"]).get(key) or TABLES["en"].get(key, key)
    return template.format(**values) if values else template
