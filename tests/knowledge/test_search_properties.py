"""Properties over generated text: search recall equals a brute-force substring test,
and the plain-text shortcut gives what markdown-it's inline parser gives."""

from __future__ import annotations

from pathlib import Path

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
