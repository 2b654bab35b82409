"""``dutydrill kb check | search | show`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from knowledge.search import MAX_QUERY_CHARACTERS
from tests.knowledge.helpers import FIXTURE_RULEBOOK
from tui.commands.kb import kb_group

FIXTURE = ["--rulebook", str(FIXTURE_RULEBOOK)]


def run(*arguments: str, language: str | None = None):
    """Run ``kb``; ``language`` plays the main command's settings (its ``--lang``)."""
    settings = SimpleNamespace(language=language) if language else None
    return CliRunner().invoke(kb_group, list(arguments), obj=settings)


def test_search_json_lists_ranked_hits() -> None:
    result = run("search", "报告", "--lang", "zh", "--json", *FIXTURE)

    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["id"] == "report.time-limits"  # 报告 in the title, and often in the text
    for hit in hits:
        assert {"id", "title", "document", "snippet"} <= set(hit)
        assert "【报告】" in hit["snippet"] or "报告" in hit["title"]


def test_search_text_output_shows_id_title_and_marked_snippet() -> None:
    result = run("search", "公章", "--lang", "zh", *FIXTURE)

    assert result.exit_code == 0
    assert "1 of 1 matching section(s)" in result.output
    assert "duty.phone  接听电话  (值班工作制度)" in result.output
    assert "【公章】由专人保管" in result.output


def test_search_words_are_and_ed_and_limit_caps() -> None:
    assert json.loads(run("search", "报告", "迟报", "--lang", "zh", "--json", *FIXTURE).output)[0]["id"] == "report.failures"
    assert len(json.loads(run("search", "报告", "--lang", "zh", "--limit", "2", "--json", *FIXTURE).output)) == 2


def test_search_language_comes_from_option_then_settings_then_zh() -> None:
    assert "duty.phone" in run("search", "seal", "--lang", "en", *FIXTURE).output
    assert "duty.phone" in run("search", "seal", *FIXTURE, language="en").output
    assert "no section of the zh rulebook" in run("search", "seal", *FIXTURE).output
    assert "no section of the zh rulebook" in run("search", "seal", "--lang", "zh", *FIXTURE, language="en").output


def test_bad_queries_give_a_message_not_a_traceback() -> None:
    for arguments in ([], ["  "], ["值班\x07"], ["值" * (MAX_QUERY_CHARACTERS + 1)]):
        result = run("search", *arguments, *FIXTURE)
        assert result.exit_code == 2, arguments
        assert "Error: the query" in result.output
        assert "Traceback" not in result.output


def test_show_prints_the_section_without_its_id_tag() -> None:
    result = run("show", "report.time-limits", "--lang", "zh", *FIXTURE)

    assert result.exit_code == 0
    lines = result.output.split("\n")
    assert lines[0] == "report.time-limits — 报告时限"
    assert "紧急情况重大事件报告处理规范 (2026.1, 2026-01-01, sample)" in lines[1]
    assert "## 报告时限\n" in result.output and "{#report.time-limits}" not in result.output
    assert "→ report.time-limits.phone  电话报告" in result.output


def test_show_accepts_an_id_copied_from_a_link() -> None:
    result = run("show", "#report.elements", "--lang", "en", *FIXTURE)

    assert result.exit_code == 0
    assert result.output.startswith("report.elements — Report elements\n")


def test_show_unknown_id_suggests_close_ones() -> None:
    result = run("show", "report.time-limit", "--lang", "zh", *FIXTURE)

    assert result.exit_code == 1
    assert "no section 'report.time-limit' in the zh rulebook" in result.output
    assert "did you mean: report.time-limits" in result.output


def test_show_by_title_suggests_the_id() -> None:
    result = run("show", "报告要素", "--lang", "zh", *FIXTURE)

    assert result.exit_code == 1
    assert "did you mean: report.elements" in result.output


def test_check_exit_codes(tmp_path: Path) -> None:
    assert run("check", *FIXTURE).exit_code == 0
    assert "rulebook OK (zh, en)" in run("check", *FIXTURE).output

    broken = tmp_path / "rulebook"
    (broken / "zh").mkdir(parents=True)
    (broken / "zh" / "duty.md").write_text("# 值班\n", encoding="utf-8")
    result = run("check", "--lang", "zh", "--rulebook", str(broken))

    assert result.exit_code == 1
    assert f"{broken / 'zh' / 'duty.md'}:1: no front matter" in result.output
    assert "problem(s) found" in result.output


def test_check_the_built_in_rulebook() -> None:
    result = run("check")

    assert result.exit_code == 0, result.output


def test_the_main_command_passes_its_language_to_kb() -> None:
    from tui.cli import main

    result = CliRunner().invoke(main, ["--lang", "en", "kb", "search", "seal", "--json", *FIXTURE])

    assert result.exit_code == 0, result.output
    assert [hit["id"] for hit in json.loads(result.output)] == ["duty.phone"]
