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


@pytest.fixture(scope="session")
def medium_rulebook(tmp_path_factory: pytest.TempPathFactory):
    """A generated rulebook of 150 sections (Faker prose, duty-room terms, English glosses)."""
    from knowledge.rulebook import load_rulebook
    from tests.benchmarks.generated_rulebook import RulebookWriter

    folder = RulebookWriter(seed=11).write(tmp_path_factory.mktemp("medium-rulebook"), documents=3, sections=50)
    return load_rulebook(folder, "zh")
