"""Fuzzing the loader: random bytes and mutated drill files never raise past it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.checks import check_scenario
from drills.loader import DrillFileError, load_scenario
from tests.drills.drill_factory import drill_data

SOUND = yaml.safe_dump(drill_data(), allow_unicode=True, sort_keys=False)


def load_never_raises(raw: bytes, policy) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(raw)
        try:
            scenario, loaded = load_scenario(path)
        except DrillFileError as error:
            assert error.problems and all(str(p).startswith(str(path)) for p in error.problems)
            return
        for problem in check_scenario(scenario, loaded, policy, None):
            assert problem.line >= 1 and problem.column >= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2_000))
def test_random_bytes(policy, raw):
    load_never_raises(raw, policy)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_drill_files(policy, data):
    text = SOUND
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        mutation = data.draw(st.sampled_from(["delete", "insert", "duplicate_line"]))
        if mutation == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 20)):]
        elif mutation == "insert":
            snippet = data.draw(st.sampled_from([":", "- ", "\t", "&a ", "*a", "{", "]", "\n  ", "'", "02:13", "null", "值班"]))
            text = text[:position] + snippet + text[position:]
        else:
            lines = text.splitlines(keepends=True)
            index = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            text = "".join(lines)
    load_never_raises(text.encode("utf-8"), policy)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
))
def test_random_yaml_structures(policy, value):
    load_never_raises(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"), policy)
