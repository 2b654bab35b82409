"""The checked-in JSON Schema matches the models, and every drill file points at it."""

from __future__ import annotations

from drills.locations import BUILTIN_SCENARIOS, SCENARIO_SCHEMA
from drills.schema import scenario_schema_text


def test_checked_in_schema_matches_the_models():
    assert SCENARIO_SCHEMA.read_text(encoding="utf-8") == scenario_schema_text(), (
        "regenerate it: uv run dutydrill scenario schema > scenarios/scenario.schema.json"
    )


def test_every_builtin_drill_points_at_the_schema():
    for path in BUILTIN_SCENARIOS.rglob("*.yaml"):
        if "playbooks" in path.parts:
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../scenario.schema.json", path
