"""Interface text, one module per language; nothing else in ``tui/`` holds display strings.

``text(language, key, **values)`` looks a string up and fills ``{name}`` fields. A key
missing from one language is a bug, and a test compares the two tables.
"""

from __future__ import annotations

from tui.i18n import en, zh

TABLES = {"zh": zh.STRINGS, "en": en.STRINGS}


def text(language: str, key: str, **values: object) -> str:
    template = TABLES.get(language, en.STRINGS).get(key) or en.STRINGS.get(key, key)
    return template.format(**values) if values else template
