"""Parsing the rulebook: documents, sections, stripped text, hashes, line numbers, links."""

from __future__ import annotations

import datetime
from pathlib import Path

from knowledge.markdown_text import strip_heading_ids
from knowledge.model import Link
from knowledge.rulebook import RULEBOOK_DIRECTORY, cached_rulebook, load_rulebook, section_hash
from tests.knowledge.helpers import FIXTURE_RULEBOOK, front_matter, write_edition


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, start=1) if fragment in line)


def test_sections_come_in_document_order_with_levels_and_parents() -> None:
    rulebook = load_rulebook(FIXTURE_RULEBOOK, "zh")

    assert list(rulebook.sections) == [
        "duty", "duty.phone", "duty.log",
        "report", "report.time-limits", "report.time-limits.phone", "report.elements", "report.failures",
    ]
    phone = rulebook.sections["report.time-limits.phone"]
    assert (phone.level, phone.parent, phone.document, phone.title) == (3, "report.time-limits", "report", "电话报告")
    assert rulebook.sections["report.elements"].parent == "report"
    assert rulebook.sections["report"].parent is None
    assert rulebook.problems == []


def test_document_carries_its_front_matter() -> None:
    document = load_rulebook(FIXTURE_RULEBOOK, "zh").documents["report"]

    assert document.title == "紧急情况重大事件报告处理规范"
    assert document.version == "2026.1"
    assert document.effective == datetime.date(2026, 1, 1)
    assert document.sample is True
    assert (document.language, document.path.name) == ("zh", "report.md")


def test_line_numbers_point_at_the_heading_in_the_file() -> None:
    rulebook = load_rulebook(FIXTURE_RULEBOOK, "zh")
    path = FIXTURE_RULEBOOK / "zh" / "report.md"

    assert rulebook.sections["report"].line == 11  # after 7 front matter lines and the sample note
    for section_id in ("report.time-limits", "report.time-limits.phone", "report.failures"):
        assert rulebook.sections[section_id].line == line_of(path, "{#" + section_id + "}")


def test_text_is_the_body_with_markup_stripped() -> None:
    sections = load_rulebook(FIXTURE_RULEBOOK, "zh").sections

    phone = sections["report.time-limits.phone"].text
    assert "应急预案" in phone and "*" not in phone  # 应急**预案**
    assert "电话\t30 分钟" in phone  # a table row: cells split by tabs, one row per line
    limits = sections["report.time-limits"].text
    assert "具体时限见时限政策。" in limits  # link text kept, target dropped
    assert "应当立即电话报告，随后报送书面材料" in limits  # a soft line break inside Chinese adds no space
    assert "电话初报：事发后尽快\n书面报告：在电话报告之后" in limits  # list items, one per line, no bullets
    assert "报告时限" not in limits  # the title is not repeated in the body


def test_text_stops_at_the_next_heading_of_any_level() -> None:
    sections = load_rulebook(FIXTURE_RULEBOOK, "zh").sections

    assert "紧急情况下可先电话报告" not in sections["report.time-limits"].text
    assert sections["report.time-limits"].source.startswith("## 报告时限 {#report.time-limits}")
    assert sections["report.time-limits"].source.rstrip().endswith("- 书面报告：在电话报告之后")


def test_english_soft_breaks_become_spaces() -> None:
    text = load_rulebook(FIXTURE_RULEBOOK, "en").sections["report.time-limits"].text

    assert "see the phone report. A major incident" in text


def test_links_are_collected_with_their_line() -> None:
    rulebook = load_rulebook(FIXTURE_RULEBOOK, "zh")
    path = FIXTURE_RULEBOOK / "zh" / "report.md"

    assert rulebook.sections["report.failures"].links == (Link("report.elements", line_of(path, "参见[报告要素]")),)
    assert rulebook.sections["report.time-limits"].links == (Link("report.time-limits.phone", line_of(path, "[时限政策]")),)


def test_a_link_on_a_later_line_of_a_paragraph_gets_that_line(tmp_path: Path) -> None:
    text = front_matter("a") + "# A {#a}\n\n## B {#a.b}\n\n第一行，\n第二行见[甲](#a)，\n第三行见[乙](#a.b)。\n"
    write_edition(tmp_path, "zh", {"a.md": text})

    links = load_rulebook(tmp_path, "zh").sections["a.b"].links

    assert links == (Link("a", 14), Link("a.b", 15))


def test_web_links_are_not_rule_links(tmp_path: Path) -> None:
    text = front_matter("a") + "# A {#a}\n\n见[网站](https://example.org/#top)和[邮件](mailto:x@example.org)。\n"
    write_edition(tmp_path, "zh", {"a.md": text})

    assert load_rulebook(tmp_path, "zh").sections["a"].links == ()


def test_hash_changes_only_for_the_edited_section(fixture_copy: Path) -> None:
    before = load_rulebook(fixture_copy, "zh").hashes()
    path = fixture_copy / "zh" / "report.md"
    path.write_text(path.read_text(encoding="utf-8").replace("初报应包括时间", "初报应当包括时间"), encoding="utf-8")

    after = load_rulebook(fixture_copy, "zh").hashes()

    changed = {section_id for section_id in before if before[section_id] != after[section_id]}
    assert changed == {"report.elements"}


def test_hash_ignores_line_endings_and_trailing_spaces() -> None:
    source = "## 报告要素 {#report.elements}\n\n初报应包括时间、地点。\n"

    assert section_hash(source) == section_hash(source.replace("\n", "\r\n"))
    assert section_hash(source) == section_hash(source.replace("。\n", "。   \n") + "\n\n")
    assert section_hash(source) != section_hash(source.replace("时间", "日期"))


def test_lookup_helpers() -> None:
    rulebook = load_rulebook(FIXTURE_RULEBOOK, "zh")

    assert rulebook.section("report.elements").title == "报告要素"
    assert rulebook.section("no.such-rule") is None
    assert "duty.log" in rulebook.rule_ids()
    assert set(rulebook.hashes()) == set(rulebook.sections)
    assert [child.id for child in rulebook.children("report")] == ["report.time-limits", "report.elements", "report.failures"]
    assert strip_heading_ids(rulebook.sections["duty.log"].source).split("\n")[0] == "## 值班记录"


def test_cached_rulebook_reloads_when_a_file_changes(fixture_copy: Path) -> None:
    first = cached_rulebook("zh", fixture_copy)
    assert cached_rulebook("zh", fixture_copy) is first

    path = fixture_copy / "zh" / "duty.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## 新条目 {#duty.new}\n\n新内容。\n", encoding="utf-8")

    assert "duty.new" in cached_rulebook("zh", fixture_copy).sections


def test_built_in_rulebook_loads_cleanly_in_both_editions() -> None:
    zh = load_rulebook(RULEBOOK_DIRECTORY, "zh")
    en = load_rulebook(RULEBOOK_DIRECTORY, "en")

    assert zh.problems == [] and en.problems == []
    assert len(zh.sections) > 20
    assert list(zh.sections) == list(en.sections)
