"""Search and load goals on a generated 10 MB rulebook (issue 3), run on demand:
``uv run pytest -m benchmark tests/benchmarks``; the table itself: ``bench_search.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.bench_search import (
    TARGET_LOAD_MEGABYTES,
    TARGET_LOAD_SECONDS,
    TARGET_P95_MS,
    TARGET_RIPGREP_RATIO,
    print_report,
    run,
)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    result = run(Path(tmp_path_factory.mktemp("big-rulebook")))
    print_report(result)
    return result


@pytest.mark.benchmark
def test_generated_rulebook_is_the_size_the_goals_are_for(figures: dict) -> None:
    assert figures["sections"] == 5000
    assert 8 <= figures["size_mb"] <= 12


@pytest.mark.benchmark
def test_recall_is_exact(figures: dict) -> None:
    assert figures["recall"] == 1.0


@pytest.mark.benchmark
def test_search_p95_with_ranking_and_snippets(figures: dict) -> None:
    slow = {timing.label: round(timing.p95_ms, 2) for timing in figures["search"] if timing.p95_ms > TARGET_P95_MS}
    assert slow == {}


@pytest.mark.benchmark
def test_search_goes_through_the_cached_postings(figures: dict) -> None:
    assert figures["uses_postings"]


@pytest.mark.benchmark
def test_ripgrep_is_at_least_five_times_slower_for_every_query_class(figures: dict) -> None:
    if figures["ripgrep"] is None:
        pytest.skip("ripgrep is not installed")
    ripgrep = {timing.label: timing.p95_ms for timing in figures["ripgrep"]}
    short = {timing.label: round(ripgrep[timing.label] / timing.p95_ms, 1) for timing in figures["search"]
             if ripgrep[timing.label] < TARGET_RIPGREP_RATIO * timing.p95_ms}
    assert short == {}


@pytest.mark.benchmark
def test_warm_load_time_and_memory(figures: dict) -> None:
    # With the cache in place: read the sections, open the postings.
    warm = figures["load"]["warm"]
    assert warm["seconds"] <= TARGET_LOAD_SECONDS
    assert warm["rss_peak_mb"] <= TARGET_LOAD_MEGABYTES
    assert warm["traced_peak_mb"] <= TARGET_LOAD_MEGABYTES


@pytest.mark.benchmark
def test_cold_load_time_and_memory(figures: dict) -> None:
    # With an empty cache: parse and write the sections, searchable at once by scanning;
    # the postings build in the background (seconds), their peak memory counted too.
    cold = figures["load"]["cold"]
    assert cold["seconds"] <= TARGET_LOAD_SECONDS
    assert cold["rss_peak_mb"] <= TARGET_LOAD_MEGABYTES
