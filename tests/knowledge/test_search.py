"""Search: exact substrings for short Chinese and English, AND, ranking, cap, snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.model import Rulebook, Section
from knowledge.rulebook import load_rulebook
from knowledge.search import MAX_QUERY_CHARACTERS, QueryError, SearchIndex, fold, parse_query
from knowledge.snippets import MARK_CLOSE, MARK_OPEN
from tests.knowledge.helpers import FIXTURE_RULEBOOK


@pytest.fixture(scope="module")
def zh() -> SearchIndex:
    return SearchIndex(load_rulebook(FIXTURE_RULEBOOK, "zh"))


@pytest.fixture(scope="module")
def en() -> SearchIndex:
    return SearchIndex(load_rulebook(FIXTURE_RULEBOOK, "en"))


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def made_up_rulebook(sections: list[tuple[str, str]]) -> Rulebook:
    """A rulebook straight from (title, text) pairs, ids s0, s1 …, for ranking tests."""
    rulebook = Rulebook("zh", Path("."))
    for number, (title, text) in enumerate(sections):
        section_id = f"s{number}"
        rulebook.sections[section_id] = Section(section_id, title, 2, "doc", text, "", "", 1, None)
    return rulebook


def test_one_character_chinese(zh: SearchIndex) -> None:
    assert ids(zh.search("迟")) == ["report.failures"]


def test_two_character_chinese(zh: SearchIndex) -> None:
    assert ids(zh.search("公章")) == ["duty.phone"]
    assert set(ids(zh.search("漏报"))) == {"report.failures"}


def test_three_character_chinese(zh: SearchIndex) -> None:
    assert ids(zh.search("值班员")) == ["duty.phone"]


def test_markup_inside_a_word_does_not_hide_it(zh: SearchIndex) -> None:
    assert ids(zh.search("应急预案")) == ["report.time-limits.phone"]  # 应急**预案** in the file


def test_a_line_break_inside_a_chinese_word_does_not_hide_it(zh: SearchIndex) -> None:
    assert ids(zh.search("电话报告，随后")) == ["report.time-limits"]  # split over two source lines


def test_english_is_case_insensitive_and_matches_substrings(en: SearchIndex) -> None:
    assert ids(en.search("SEAL")) == ["duty.phone"]  # "official Seal"
    assert ids(en.search("contingen")) == ["report.time-limits.phone"]
    assert ids(en.search("ＳＥＡＬ")) == ["duty.phone"]  # full-width letters fold to ASCII


def test_all_terms_must_occur(zh: SearchIndex) -> None:
    assert set(ids(zh.search("报告"))) > {"report.failures", "report.elements"}
    assert ids(zh.search("报告 迟报")) == ["report.failures"]
    assert ids(zh.search("公章 迟报")) == []
    assert zh.search("公章 迟报").total == 0


def test_title_matches_rank_first() -> None:
    index = SearchIndex(made_up_rulebook([
        ("值班记录", "记录一次。"),
        ("接听电话", "值班员要做好值班记录，值班记录要完整，值班记录要及时，值班记录要清楚。"),
    ]))

    assert ids(index.search("值班记录")) == ["s0", "s1"]


def test_more_occurrences_and_shorter_sections_rank_higher() -> None:
    index = SearchIndex(made_up_rulebook([
        ("甲", "签收一次。"),
        ("乙", "签收，签收，再签收。"),
        ("丙", "签收，签收，再签收。" + "无关内容。" * 2000),
    ]))

    assert ids(index.search("签收")) == ["s1", "s2", "s0"]
    scores = [hit.score for hit in index.search("签收").hits]
    assert scores == sorted(scores, reverse=True)


def test_equal_scores_keep_document_order() -> None:
    index = SearchIndex(made_up_rulebook([("甲", "公章。"), ("乙", "公章。"), ("丙", "公章。")]))

    assert ids(index.search("公章")) == ["s0", "s1", "s2"]


def test_results_are_capped_but_counted() -> None:
    index = SearchIndex(made_up_rulebook([(f"条目{n}", "值班。") for n in range(50)]))

    results = index.search("值班")

    assert len(results.hits) == 20 and results.total == 50
    assert len(index.search("值班", limit=5).hits) == 5


def test_snippet_marks_the_match_and_gives_spans(zh: SearchIndex) -> None:
    [hit] = zh.search("公章").hits

    assert f"{MARK_OPEN}公章{MARK_CLOSE}" in hit.snippet.marked()
    assert [hit.snippet.text[start:end] for start, end in hit.snippet.spans] == ["公章"]
    assert "\n" not in hit.snippet.text
    assert (hit.document, hit.document_title, hit.level) == ("duty", "值班工作制度", 2)


def test_snippet_of_a_long_section_is_a_window_around_the_first_match() -> None:
    text = "前文。" * 100 + "发现未盖公章的文件要退回。" + "后文。" * 100
    [hit] = SearchIndex(made_up_rulebook([("收文", text)])).search("公章").hits

    assert hit.snippet.text.startswith("…") and hit.snippet.text.endswith("…")
    assert 30 <= len(hit.snippet.text) <= 50  # 80 columns of Chinese text, plus two ellipses
    assert hit.snippet.marked().count(MARK_OPEN) == 1


def test_english_snippets_do_not_cut_words() -> None:
    text = "word " * 40 + "the official seal is kept by one person " + "more " * 40
    [hit] = SearchIndex(made_up_rulebook([("Seal", text)])).search("seal").hits

    inner = hit.snippet.text.strip("…").strip()
    assert all(word in ("word", "the", "official", "seal", "is", "kept", "by", "one", "person", "more") for word in inner.split())
    assert hit.title_spans == ((0, 4),)


def test_overlapping_terms_are_marked_once() -> None:
    [hit] = SearchIndex(made_up_rulebook([("甲", "首办责任制要落实。")])).search("首办 办责任 责任制").hits

    assert hit.snippet.marked() == f"{MARK_OPEN}首办责任制{MARK_CLOSE}要落实。"


def test_json_shape(zh: SearchIndex) -> None:
    [hit] = zh.search("公章").hits

    data = hit.to_dict()

    assert {"id", "title", "document", "snippet", "score", "snippet_spans", "title_spans"} <= set(data)
    assert data["snippet"] == hit.snippet.marked()


@pytest.mark.parametrize(
    ("query", "words"),
    [("", "empty"), ("   \t ", "empty"), ("值班\x00", "control"), ("a\x1b[31m", "control"), ("\ud800", "invalid"), ("值" * (MAX_QUERY_CHARACTERS + 1), "too long")],
)
def test_bad_queries_raise_a_clear_error(zh: SearchIndex, query: str, words: str) -> None:
    with pytest.raises(QueryError, match=words):
        zh.search(query)


def test_query_terms_are_folded_and_deduplicated() -> None:
    assert parse_query("  SEAL seal\tＳｅａｌ  公章 ") == ["seal", "公章"]


def test_fold_keeps_every_offset() -> None:
    text = "İstanbul ＡＢＣ，值班　ＲＯＯＭ"

    folded = fold(text)

    assert len(folded) == len(text)
    assert folded == "İstanbul abc,值班 room"
