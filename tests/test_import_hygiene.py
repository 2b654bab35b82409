"""The headless rooms never load Textual or Rich (design.md: rooms with walls)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEADLESS_ROOMS = ("drills", "scoring", "knowledge")


def modules_of(room: str) -> list[str]:
    return [room] + [f"{room}.{m.name}" for m in pkgutil.iter_modules([str(REPO / room)])]


@pytest.mark.parametrize("room", HEADLESS_ROOMS)
def test_room_imports_without_textual_or_rich(room):
    imports = "; ".join(f"import {module}" for module in modules_of(room))
    probe = f"{imports}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", f"{room} pulled in {result.stdout.strip()}"
