"""Fixtures for knowledge tests (the data folder is isolated by tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.knowledge.helpers import FIXTURE_RULEBOOK


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture rulebook that a test may edit."""
    target = tmp_path / "rulebook"
    shutil.copytree(FIXTURE_RULEBOOK, target)
    return target
