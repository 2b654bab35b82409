"""Shared fixtures. Every test gets its own data folder, never the real home folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills.catalog import load_library
from drills.locations import DEFAULT_POLICY
from drills.policy import Policy, load_policy

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("dutydrill-home")
    monkeypatch.setenv("DUTYDRILL_HOME", str(home))
    monkeypatch.delenv("DUTYDRILL_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(DEFAULT_POLICY)


@pytest.fixture(scope="session")
def builtin_library(policy: Policy):
    return load_library(policy)
