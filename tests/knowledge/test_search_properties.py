"""Properties over generated text: search recall equals a brute-force substring test,
and the plain-text shortcut gives what markdown-it's inline parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.markdown_text import inline_plain_text, parse_blocks, parsed_inline_text
from knowledge.model import Rulebook, Section
from knowledge.rulebook import load_rulebook
from knowledge.search import SearchIndex, fold
from tests.knowledge.helpers import front_matter, write_edition

# A small alphabet makes matches, near-misses and overlaps frequent.
ALPHABET = "值班报告公章续初终迟漏应急预案aAbBsSＡｂ１1 ，。İ\n"
texts = st.text(alphabet=ALPHABET, max_size=60)
terms = st.text(alphabet=ALPHABET.replace(" ", "").replace("\n", ""), min_size=1, max_size=3)


def brute_force(rulebook: Rulebook, query: str) -> list[str]:
    wanted = [fold(term) for term in query.split()]
    return [section.id for section in rulebook.sections.values() if all(term in fold(f"{section.title}\n{section.text}") for term in wanted)]


def in_memory(pairs: list[tuple[str, str]]) -> Rulebook:
    rulebook = Rulebook("zh", Path("."))
    for number, (title, text) in enumerate(pairs):
        rulebook.sections[f"s{number}"] = Section(f"s{number}", title.replace("\n", " "), 2, "doc", text, "", "", 1, None)
    return rulebook


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(texts, texts), max_size=12), st.lists(terms, min_size=1, max_size=3))
def test_recall_equals_a_brute_force_substring_test(pairs: list[tuple[str, str]], query_terms: list[str]) -> None:
    rulebook = in_memory(pairs)
    index = SearchIndex(rulebook)
    query = " ".join(query_terms)

    expected = brute_force(rulebook, query)

    assert index.matching_ids(query) == expected
    results = index.search(query, limit=1000)
    assert results.total == len(expected)
    assert sorted(hit.id for hit in results.hits) == sorted(expected)


def test_recall_on_a_parsed_faker_rulebook(tmp_path: Path) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(3)
    body = "# 甲 {#a}\n\n"
    for number in range(60):
        words = fake.words(nb=30)
        words[5] = f"应急**{words[5]}**"  # markup inside a word must not hide it
        body += f"## {fake.word()} {{#a.s{number}}}\n\n{''.join(words)}\n{fake.name()}。\n\n"
    write_edition(tmp_path, "zh", {"a.md": front_matter("a") + body})
    rulebook = load_rulebook(tmp_path, "zh")
    index = SearchIndex(rulebook)

    queries = [word for section in list(rulebook.sections.values())[1:20] for word in (section.text[3:4], section.text[7:9], section.text[10:14])]
    queries += ["应急", "急" + fake.word(), "报告 的", "不存在的词"]

    for query in queries:
        assert index.matching_ids(query) == brute_force(rulebook, query), query
    assert len(index.matching_ids("应急")) == 60


plain_paragraphs = st.text(alphabet="值班报告公章 abcAB12，。:-#+=\n", min_size=1, max_size=80)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_paragraphs)
def test_plain_text_shortcut_equals_the_inline_parser(source: str) -> None:
    tokens, env = parse_blocks(source)
    for token in tokens:
        if token.type == "inline":
            assert inline_plain_text(token.content, 1, env).text == parsed_inline_text(token.content, 1, env).text


# Emphasis-only text: flanking rules (CJK and punctuation around the delimiters), runs of
# delimiters, nesting, unmatched ones, intraword underscores, hard and soft breaks.
EMPHASIS_CORPUS = [
    "**应急**预案", "应急**预案**", "应**急预**案", "**应急预案**。", "。**应急**", "（**应急**）", "“**应急**”预案",
    "*a*b*", "**a**b**", "*a**b*", "***a***", "***a**b*", "**a*b***", "__x__", "_x_y_", "foo_bar_baz", "__应急__预案",
    "应急__预案__", "*_a_*", "_*a*_", "**_a_**", "*应急*预案*", "**应急**预案**", "** 应急**", "**应急 **", "*", "**", "***",
    "_", "__ __", "a * b * c", "**未闭合", "未闭合**", "*未闭合", "_未闭合", "**a\nb**", "*a  \nb*", "**应急**  \n预案",
    "1*2*3", "5*6_7_", "**值班员**：**初报**、*续报*和_终报_", "**1.** 值班", "*$*", "**#**", "*，*", "**。**预案",
    "****", "*****a*****", "a****b", "_____", "__a_b__", "*a _b* c_", "**a __b** c__", "（*甲*）*乙*", "*全角＊星*",
]
EMPHASIS_ALPHABET = "**__值班应急。，（）“” ab1\n#:-+=$"


def _same_tokens(content: str) -> None:
    from knowledge.markdown_text import _NON_EMPHASIS_MARKUP, _emphasis_parser, inline_tokens  # noqa: PLC0415

    assert not _NON_EMPHASIS_MARKUP.search(content)
    expected = [token.as_dict() for token in inline_tokens(content, {})]
    assert [token.as_dict() for token in inline_tokens(content, {}, _emphasis_parser)] == expected, content


def test_the_emphasis_only_parser_gives_the_full_parsers_tokens_on_a_corpus() -> None:
    for content in EMPHASIS_CORPUS:
        _same_tokens(content)
        tokens, env = parse_blocks(content + "\n")
        for token in tokens:
            if token.type == "inline":
                _same_tokens(token.content)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=EMPHASIS_ALPHABET, min_size=1, max_size=40))
def test_the_emphasis_only_parser_gives_the_full_parsers_tokens(source: str) -> None:
    tokens, env = parse_blocks(source)
    for token in tokens:
        if token.type == "inline":
            _same_tokens(token.content)
    _same_tokens(source)


STRONG_ALPHABET = "****值班应急。，（）“” ab1\n\t#:-+="


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=STRONG_ALPHABET, min_size=1, max_size=40))
def test_the_strong_pairs_shortcut_equals_the_inline_parser(source: str) -> None:
    tokens, env = parse_blocks(source)
    contents = [token.content for token in tokens if token.type == "inline"] + [source.strip(" \n") or "x"]
    for content in filter(lambda content: "*" in content, contents):  # (plain text keeps indenting tabs, as it always did)
        assert inline_plain_text(content, 1, env).text == parsed_inline_text(content, 1, env).text, content


def test_the_strong_pairs_shortcut_on_a_corpus() -> None:
    from knowledge.markdown_text import _without_strong_pairs  # noqa: PLC0415

    taken = 0
    for content in [*EMPHASIS_CORPUS, "**a** **b** **c**", "**应急**预案和**值班**制度", "**a **b** c**", "**a\n**b", "a **\n** b",
                    "**a**  \nb", "**a** \nb", "**a**\n\tb", "a\n \t**b**", "\t**a**", "值班 **a** \n**b**", "**（甲）**乙", "甲**（乙）**", "**“甲”**乙", "a**b**c**d"]:
        taken += _without_strong_pairs(content) is not None
        assert inline_plain_text(content, 1).text == parsed_inline_text(content, 1).text, content
    assert taken >= 25


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_shortcuts_change_nothing_in_the_built_in_rulebook(monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    from knowledge import markdown_text  # noqa: PLC0415

    quick = load_rulebook(None, language)
    monkeypatch.setattr(markdown_text, "_emphasis_parser", markdown_text._inline_parser)
    monkeypatch.setattr(markdown_text, "inline_plain_text", parsed_inline_text)  # every paragraph through markdown-it
    slow = load_rulebook(None, language)

    assert list(quick.sections.values()) == list(slow.sections.values()) and quick.problems == slow.problems
