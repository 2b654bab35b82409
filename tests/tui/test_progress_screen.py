"""My progress on real attempts: the attempts, the score trend, competencies weakest first
with the rules behind the weakest, and clearance for duty from the readiness policy."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from scoring.attestation import attest_attempt
from tests.tui.test_debrief_screen import (
    flawed_attempt,
    ideal_attempt,
    make_app,
    shown,
)
from tui.screens.debrief import DebriefScreen
from tui.screens.progress import AttemptsTable, ProgressScreen
from tui.widgets.progress_data import competency_averages, rules_behind
from tui.widgets.progress_trend import ScoreTrend

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def trainee(records):
    return records.add_trainee("李娜", "县委办", "2026年第一期")


@pytest.fixture
def history(builtin_library, policy, records, trainee) -> list[int]:
    """A flawed practice, a practice of another drill, then a clean exam."""
    attempts = [flawed_attempt(records, trainee, builtin_library, policy),
                ideal_attempt(records, trainee, builtin_library, policy, drill="night-petitioners"),
                ideal_attempt(records, trainee, builtin_library, policy, mode="exam")]
    attest_attempt(records.db, attempts[-1], "pin")  # the exam counts only if sat under the trainee's PIN
    return attempts


async def open_progress(app, pilot, trainee, today=TODAY) -> ProgressScreen:
    screen = ProgressScreen(trainee, today)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def test_competencies_weakest_first_and_the_rules_behind(records, trainee, history):
    attempts = records.attempts_of(trainee)
    averages = competency_averages(attempts)
    assert [a.percent for a in averages] == sorted(a.percent for a in averages)
    weakest = averages[0]
    escalation = next(a for a in averages if a.competency == "escalation")
    assert escalation.attempts == 3
    first = records.attempt(history[0]).scorecard["competencies"]["escalation"]["percent"]
    assert escalation.percent == round((first + 100 + 100) / 3)
    rules = rules_behind(attempts, weakest.competency)
    assert rules and rules[0].lost > 0 and rules == sorted(rules, key=lambda r: -r.lost)


async def test_progress_shows_attempts_trend_competencies_and_clearance(builtin_library, policy, records, trainee,
                                                                       history, tmp_path):
    flawed_score = records.attempt(history[0]).score
    app = make_app("zh", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_progress(app, pilot, trainee)
        table = screen.query_one(AttemptsTable)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0] == ["2026-11-27", "100", "合格", "考核", "夜间接报：煤矿井下透水"]
        assert rows[2][1:4] == [str(flawed_score), "不合格", "练习"]
        assert rows[1][4].startswith("夜间来访")
        trend = screen.query_one(ScoreTrend)
        assert [bar.score for bar in trend.bars] == [flawed_score, 100, 100]  # oldest first
        drawn = trend.render().plain.split("\n")
        assert drawn[-2].split() == [str(flawed_score), "100", "100"] and drawn[-1].split() == ["✘", "✔", "✔"]
        assert any("80┤" in line and "╌" in line for line in drawn)  # the pass mark
        competencies = shown(screen.query_one("#progress-competencies"))
        assert "能力分析" in competencies and "失分最多的条文" in competencies
        percents = [int(re.search(r"(\d+)%", line).group(1)) for line in competencies.split("\n")[1:] if "%" in line]
        assert len(percents) >= 4 and percents == sorted(percents)  # weakest first
        clearance = shown(screen.query_one("#progress-clearance"))
        assert "上岗资格" in clearance and "已具备，有效期至 2027-11-27" in clearance
        assert "共 3 次演练" in shown(screen.query_one("#progress-overview"))
        svg = Path(app.save_screenshot("progress-zh.svg", tmp_path)).read_text(encoding="utf-8")
        for key_text in ("学习进度", "演练记录", "成绩走势", "能力分析", "上岗资格", "查看讲评"):
            assert key_text in svg
        # Enter opens the debrief of the attempt under the cursor; Escape comes back.
        table.move_cursor(row=2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen) and app.screen.attempt_id == history[0]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_not_yet_cleared_says_what_is_missing_in_english(builtin_library, policy, records, trainee, tmp_path):
    flawed_attempt(records, trainee, builtin_library, policy, language="en")
    app = make_app("en", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_progress(app, pilot, trainee)
        clearance = shown(screen.query_one("#progress-clearance"))
        assert "Not yet" in clearance and "no exam finished yet" in clearance
        assert screen.query_one(AttemptsTable).row_count == 1
        shown_bindings = {binding.id for _, binding, *_ in app.screen.active_bindings.values() if binding.show}
        assert {"progress.open_attempt", "progress.close"} <= shown_bindings
        svg = Path(app.save_screenshot("progress-en-80.svg", tmp_path)).read_text(encoding="utf-8")
        assert "My&#160;progress" in svg and "Not&#160;yet" in svg


async def test_an_old_pass_has_expired_with_its_date(builtin_library, policy, records, trainee, history, tmp_path):
    app = make_app("en", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_progress(app, pilot, trainee, today=datetime.date(2028, 1, 1))
        clearance = shown(screen.query_one("#progress-clearance"))
        assert "Expired on 2027-11-27" in clearance
        assert "expired on 2027-11-27" in clearance  # the reason names the pass and when it ran out
        svg = Path(app.save_screenshot("progress-en.svg", tmp_path)).read_text(encoding="utf-8")
        for key_text in ("Score&#160;trend", "Competencies", "Attempts", "Expired"):
            assert key_text in svg


async def test_a_trainee_with_no_attempts(builtin_library, policy, records, trainee, tmp_path):
    app = make_app("zh", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_progress(app, pilot, trainee)
        assert not screen.query(ScoreTrend)
        assert "还没有完成的演练" in shown(screen.query_one("#progress-trend-empty"))
        assert "还没有完成过考核" in shown(screen.query_one("#progress-clearance"))
        await pilot.press("enter")  # nothing to open: no error
        await pilot.pause()
        assert app.screen is screen
