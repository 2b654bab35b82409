"""Engine and loader goals (issue 2), run on demand: ``uv run pytest -m benchmark tests/benchmarks``."""

from __future__ import annotations

import pytest

from tests.benchmarks.bench_engine import TARGET_LOAD_SECONDS, TARGET_RUN_SECONDS, run


@pytest.fixture(scope="module")
def figures() -> dict:
    return run()


@pytest.mark.benchmark
def test_a_thousand_inject_drill_runs_ideal_within_a_second(figures):
    assert figures["injects"] == 1000
    assert figures["ideal_run_seconds"] <= TARGET_RUN_SECONDS


@pytest.mark.benchmark
def test_loading_and_checking_the_builtin_drills(figures):
    assert figures["load_check_seconds"] <= TARGET_LOAD_SECONDS
