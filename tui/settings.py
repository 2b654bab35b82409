"""Options shared by every command: the language and the database."""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass
from pathlib import Path


from drills.locations import database_path


def system_language() -> str:
    """Chinese when the system locale says so, English otherwise."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = (locale.getlocale()[0] or "").lower()
    return "zh" if code.startswith("zh") else "en"


@dataclass(frozen=True)
class Settings:
    language: str
    database: Path

    @classmethod
    def from_options(cls, lang: str | None, database: str | None) -> Settings:
        return cls(language=lang or system_language(), database=database_path(database))


