"""Where things live: the built-in content beside the code, and the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_VARIABLE = "DUTYDRILL_HOME"
DATABASE_VARIABLE = "DUTYDRILL_DB"

# The rooms are installed side by side, so the shipped content is found from here
# both in a source checkout and in an installed wheel.
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BUILTIN_SCENARIOS = _PACKAGE_ROOT / "scenarios"
RULEBOOK = _PACKAGE_ROOT / "knowledge" / "rulebook"
DEFAULT_POLICY = RULEBOOK / "policy.yaml"
SCENARIO_SCHEMA = BUILTIN_SCENARIOS / "scenario.schema.json"


def data_home() -> Path:
    """The user's data folder; ``DUTYDRILL_HOME`` moves it (the tests always do)."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("dutydrill", appauthor=False))


def user_scenarios() -> Path:
    return data_home() / "scenarios"


def policy_override() -> Path:
    return data_home() / "policy.yaml"


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` wins, then ``DUTYDRILL_DB``, then ``dutydrill.db`` in the data folder."""
    if explicit:
        return Path(explicit).expanduser()
    override = os.environ.get(DATABASE_VARIABLE)
    if override:
        return Path(override).expanduser()
    return data_home() / "dutydrill.db"
