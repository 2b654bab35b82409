"""Searching through the cached postings gives exactly what scanning gives: ids, order,
scores, totals and snippets, for every kind of query and limit."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.search import QueryError, SearchIndex, fold
from tests.knowledge.test_search_properties import ALPHABET, brute_force, in_memory, terms, texts


def varied_queries(index: SearchIndex, count: int = 120, seed: int = 5) -> list[str]:
    """Cuts of 1 to 6 characters from titles and texts, English words in mixed case,
    several terms at once, and terms that occur nowhere."""
    chooser = random.Random(seed)
    sections = list(index.rulebook.sections.values())
    queries = ["值", "值班", "值班员", "带班领导", "应急预案", "duty", "OFFICER", "Report", "值班 要求", "迟报 公章 值班",
               "ｄｕｔｙ", "不存在的词", "zzzz", "，", "。", "值班员 duty", "See", "s", "e"]
    while len(queries) < count:
        section = chooser.choice(sections)
        text = chooser.choice((section.title, section.text))
        length = chooser.randint(1, 6)
        start = chooser.randrange(max(1, len(text) - length))
        piece = "".join(text[start : start + length].split())
        if piece:
            queries.append(piece.upper() if chooser.random() < 0.2 else piece)
        if chooser.random() < 0.2:
            queries.append(f"{piece} {chooser.choice(queries)}")
    return queries


@pytest.fixture(scope="module")
def pair(medium_rulebook, tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchIndex, SearchIndex]:
    indexed = SearchIndex(medium_rulebook, cache_folder=tmp_path_factory.mktemp("cache"), use_postings=True, wait=True)
    assert indexed.uses_postings
    return indexed, SearchIndex(medium_rulebook, use_postings=False)


@pytest.mark.parametrize("limit", [0, 1, 5, 20, 1000])
def test_results_are_identical_with_and_without_postings(pair: tuple[SearchIndex, SearchIndex], limit: int) -> None:
    indexed, scanning = pair
    for query in varied_queries(scanning):
        try:
            expected = scanning.search(query, limit)
        except QueryError:
            continue
        assert indexed.search(query, limit) == expected, query
        assert indexed.matching_ids(query) == scanning.matching_ids(query), query


def test_results_are_identical_when_title_tiers_cannot_be_trusted(pair: tuple[SearchIndex, SearchIndex]) -> None:
    indexed, scanning = pair
    indexed._tiers_hold = False  # as for a rulebook with a section long enough to score 100 without its title
    try:
        for query in varied_queries(scanning, count=40, seed=9):
            assert indexed.search(query) == scanning.search(query), query
    finally:
        indexed._tiers_hold = True


def test_the_postings_are_reused_from_the_cache(medium_rulebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.postings as postings

    SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True, wait=True)
    monkeypatch.setattr(postings, "build_level", lambda *arguments: pytest.fail("built again"))

    again = SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True, wait=True)

    assert again.uses_postings
    assert again.search("值班").total == SearchIndex(medium_rulebook, use_postings=False).search("值班").total


def test_large_rulebooks_use_postings_by_default_and_small_ones_scan(medium_rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.search as search

    assert not SearchIndex(medium_rulebook).uses_postings
    monkeypatch.setattr(search, "POSTINGS_THRESHOLD", 1000)
    assert SearchIndex(medium_rulebook, wait=True).uses_postings  # in the (test's own) data folder's cache


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(texts, texts), max_size=12), st.lists(terms, min_size=1, max_size=3), st.integers(0, 6))
def test_recall_and_ranking_equal_scanning_on_generated_text(pairs: list[tuple[str, str]], query_terms: list[str], limit: int) -> None:
    rulebook = in_memory(pairs)
    query = " ".join(query_terms)
    with tempfile.TemporaryDirectory() as folder:
        indexed = SearchIndex(rulebook, cache_folder=Path(folder), use_postings=True, wait=True)
        assert indexed.uses_postings
        assert indexed.matching_ids(query) == brute_force(rulebook, query)
        assert indexed.search(query, limit) == SearchIndex(rulebook, use_postings=False).search(query, limit)


def test_alphabet_folds_as_the_property_tests_expect() -> None:
    assert fold(ALPHABET) == fold(fold(ALPHABET))


def test_postings_are_built_in_the_background_while_searches_scan(medium_rulebook, tmp_path: Path) -> None:
    index = SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True)
    scanning = SearchIndex(medium_rulebook, use_postings=False)

    during = index.search("值班员")  # by scanning, or through the postings if they are already there
    assert index.wait_for_postings(timeout=60)

    assert index.uses_postings
    assert during == index.search("值班员") == scanning.search("值班员")
    assert SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True).uses_postings  # stored


def test_trigrams_built_in_several_passes_give_the_same_results(medium_rulebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.postings as postings

    monkeypatch.setattr(postings, "_CHARACTERS_PER_PASS", 20_000)  # as for a large rulebook: several passes
    assert len([length for length, _, _ in postings._passes(SearchIndex(medium_rulebook, use_postings=False)._folded) if length == 3]) > 2
    indexed = SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True, wait=True)
    scanning = SearchIndex(medium_rulebook, use_postings=False)

    assert indexed.uses_postings
    for query in varied_queries(scanning, count=80, seed=13):
        assert indexed.search(query, 10) == scanning.search(query, 10), query
        assert indexed.matching_ids(query) == scanning.matching_ids(query), query


def test_a_one_off_search_uses_cached_postings_but_builds_none(medium_rulebook, tmp_path: Path) -> None:
    assert not SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True, build=False).uses_postings
    SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True, wait=True)

    assert SearchIndex(medium_rulebook, cache_folder=tmp_path, use_postings=True, build=False).uses_postings


def test_a_pass_picks_the_same_grams_by_range_numbers_as_by_comparing(medium_rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.postings as postings

    index = SearchIndex(medium_rulebook, use_postings=False)
    monkeypatch.setattr(postings, "_CHARACTERS_PER_PASS", sum(map(len, index._folded)) // 8)  # as for a large rulebook
    folded, shift = index._folded, postings.shift_for(len(index._folded))
    passes = postings._passes(folded)
    assert len([length for length, _, _ in passes if length == 2]) > 1
    for length in (2, 3):
        lows = [low for pass_length, low, _ in passes if pass_length == length]
        ranges = postings._range_numbers(folded, lows)
        whole, _ = postings.build_level(length, folded, index._title_lengths, index._brevity, shift)
        together: dict = {}
        for part, (low, high) in enumerate((low, high) for pass_length, low, high in passes if pass_length == length):
            compared = postings.build_level(length, folded, index._title_lengths, index._brevity, shift, low, high)
            numbered = postings.build_level(length, folded, index._title_lengths, index._brevity, shift, low, high, ranges, part)
            assert compared == numbered
            assert not together.keys() & compared[0].keys()
            together |= compared[0]
        assert together == whole
