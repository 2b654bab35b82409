"""Golden transcripts: each built-in drill, a fixed seed and a playbook give a checked-in journal.

After a deliberate change to the engine or a drill, regenerate and review the diff:
    UPDATE_GOLDEN=1 uv run pytest tests/drills/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drills.catalog import load_library
from drills.locations import DEFAULT_POLICY
from drills.playbook import built_in_playbook, run_playbook
from drills.policy import load_policy
from drills.session import new_drill, run_summary

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SEED = 2026
_POLICY = load_policy(DEFAULT_POLICY)
_DRILLS = load_library(_POLICY).drills


def transcript(drill_file, playbook: str) -> str:
    drill = new_drill(drill_file, _POLICY, SEED)
    run_playbook(drill, *built_in_playbook(playbook, drill.scenario))
    summary = run_summary(drill, drill_file, playbook)
    summary.pop("scenario_hash")  # the golden file checks behaviour, not the file's bytes
    return json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


@pytest.mark.parametrize("playbook", ["ideal", "idle"])
@pytest.mark.parametrize("drill_file", _DRILLS, ids=lambda d: f"{d.scenario.id}.{d.scenario.language}")
def test_journal_matches_the_golden_file(drill_file, playbook):
    path = GOLDEN / f"{drill_file.scenario.id}.{drill_file.scenario.language}.{playbook}.json"
    actual = transcript(drill_file, playbook)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 uv run pytest {__file__}"
    assert actual == path.read_text(encoding="utf-8")


def test_every_builtin_drill_is_covered():
    assert _DRILLS, "no built-in drills loaded"
