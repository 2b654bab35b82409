"""An app on a temporary database, and helpers to drive it with Pilot."""

from __future__ import annotations

import pytest

from scoring.records import RecordsStore, open_records
from tui.app import create_app
from tui.settings import Settings


@pytest.fixture
def records(tmp_path) -> RecordsStore:
    return RecordsStore(open_records(tmp_path / "records.db"), lambda: "2026-11-27T10:00:00")


@pytest.fixture
def make_app(tmp_path, records, builtin_library, policy):
    def make(language: str = "zh", library=None):
        return create_app(Settings(language, tmp_path / "records.db"), library or builtin_library, records, policy)
    return make
