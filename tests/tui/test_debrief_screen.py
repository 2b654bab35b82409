"""The debrief screen on real attempts: the scorecard table, evidence in words, Enter opening
the cited rule, the previous attempt beside this one, and the timeline picture."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from rich.cells import cell_len

from drills import actions as act
from drills.playbook import ideal_playbook, run_playbook
from drills.variables import instantiate
from scoring.sitting import Sitting
from tui.app import create_app
from tui.i18n import text
from tui.screens.debrief import DebriefScreen
from tui.settings import Settings
from tui.widgets.debrief_evidence import DrillWords, describe_evidence
from tui.widgets.debrief_findings import FindingsTable
from tui.widgets.debrief_timeline import SYMBOLS, DrillTimeline

REPO = Path(__file__).resolve().parents[2]
DRILL = "night-mine-flood"


@pytest.fixture
def trainee(records):
    return records.add_trainee("张伟", "县委办")


def ideal_attempt(records, trainee, library, policy, language="zh", mode="practice", drill=DRILL) -> int:
    sitting = Sitting.start(records, trainee, library.find(drill, language), policy, 7, mode)
    assert run_playbook(sitting.drill, ideal_playbook(sitting.drill.scenario)) == []
    sitting.finish()
    return sitting.attempt_id


def flawed_attempt(records, trainee, library, policy, language="zh", mode="practice") -> int:
    """Answered, greeted without naming the unit (with markup in the words), went over the
    shift leader's head, reported an unverified claim, an unsealed written report, an
    altered relay and a late verification; the rest left undone."""
    sitting = Sitting.start(records, trainee, library.find(DRILL, language), policy, 7, mode)
    sitting.drill.run_until(182)
    for action in [
        act.Answer(inject="night_call"),
        act.Greet(inject="night_call", text="[bold red]喂，你好"),
        act.Ask(inject="night_call", question="consequences"),
        act.LogEntry(inject="night_call", fields={"content": "煤矿透水"}),
        act.Escalate(inject="night_call", person="party_secretary"),
        act.FileReport(inject="night_call", stage="initial", channel="phone", recipient="city_duty_office",
                       elements={"place": "煤矿井下", "consequences": "井下可能有二十多人被困"}),
        act.FileReport(inject="night_call", stage="initial", channel="written", recipient="city_duty_office",
                       elements={"time": "凌晨", "place": "煤矿井下", "source": "乡镇", "cause": "透水",
                                 "consequences": "井下可能有二十多人被困", "actions": "救援"}),
    ]:
        sitting.act(action)
    sitting.drill.run_until(30 * 60 + 5)
    sitting.act(act.Relay(inject="leader_instruction", to=["emergency_bureau"], text="随便搜一搜"))
    sitting.act(act.Verify(inject="night_call", person="emergency_bureau"))
    sitting.finish()
    return sitting.attempt_id


def make_app(language, records, library, policy, tmp_path):
    return create_app(Settings(language, tmp_path / "db.sqlite"), library, records, policy)


async def open_debrief(app, pilot, attempt_id) -> DebriefScreen:
    screen = DebriefScreen(attempt_id)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def shown(widget) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


def row_of(table: FindingsTable, finding_id: str) -> list[str]:
    return [cell.plain for cell in table.get_row(finding_id)]


async def select(pilot, table: FindingsTable, finding_id: str) -> None:
    table.move_cursor(row=table.get_row_index(finding_id))
    await pilot.pause()


async def test_the_scorecard_table_and_the_verdict_in_chinese(builtin_library, policy, records, trainee, tmp_path):
    attempt_id = flawed_attempt(records, trainee, builtin_library, policy)
    card = records.attempt(attempt_id).scorecard
    app = make_app("zh", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_debrief(app, pilot, attempt_id)
        table = screen.query_one(FindingsTable)
        assert table.row_count == len(card["findings"])
        assert row_of(table, "answer_night_call")[:3] == ["接听（02:03 电话）", "达标", ""]
        assert row_of(table, "initial_phone_report")[1:] == ["有误", "谎报/虚报", "0.12/12", "02:33", "02:10",
                                                              "report.time-limits 报告时限"]
        assert row_of(table, "final_report")[1:3] == ["未做", "瞒报"]
        assert row_of(table, "verify_with_bureau")[1:6] == ["超时", "", "4/8", "02:18", "02:37"]
        verdict = shown(screen.query_one("#debrief-verdict"))
        assert f"得分 {card['score']} " in verdict and "不合格" in verdict
        assert "✘严重差错：请示汇报：带班领导；初报（电话）。" in verdict
        assert "无论总分多少，本次均不合格" in verdict
        assert "信息报送 0%" in shown(screen.query_one("#debrief-competencies"))
        assert "这是你第一次做这个演练" in shown(screen.query_one("#debrief-previous"))
        svg = Path(app.save_screenshot("debrief-zh.svg", tmp_path)).read_text(encoding="utf-8")
        for key_text in ("演练讲评", "严重差错", "报送问题", "谎报/虚报", "查看条文"):
            assert key_text in svg


async def test_evidence_is_worded_in_the_interface_language(builtin_library, policy, records, trainee, tmp_path):
    attempt_id = flawed_attempt(records, trainee, builtin_library, policy)
    expected = {
        "zh": {"name_the_unit": "接听时没有自报单位“县委”，说的是“[bold red]喂，你好”",
               "log_night_call": "值班记录缺少：来电人、联系电话",
               "tell_shift_leader": "越级报告给",
               "initial_phone_report": "报告缺少要素：时间、信息来源、已采取措施",
               "initial_written_report": "书面报告没有加盖公章",
               "relay_to_bureau": "传达走了样：原文“请县应急管理局会同",
               "verify_with_bureau": "02:33  完成于 02:37"},
        "en": {"name_the_unit": "did not name the unit “县委” on answering; said “[bold red]喂，你好”",
               "log_night_call": "the duty-log entry lacks: caller, phone number",
               "tell_shift_leader": "went over the head of",
               "initial_phone_report": "the report lacks: time, source, action taken",
               "initial_written_report": "the written report carries no official seal",
               "relay_to_bureau": "relayed with changes",
               "verify_with_bureau": "02:33  done at 02:37"},
    }
    for language, phrases in expected.items():
        app = make_app(language, records, builtin_library, policy, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_debrief(app, pilot, attempt_id)
            table = screen.query_one(FindingsTable)
            for finding_id, phrase in phrases.items():
                await select(pilot, table, finding_id)
                assert phrase in shown(screen.query_one("#debrief-evidence")), (language, finding_id)
            await select(pilot, table, "initial_phone_report")
            detail = shown(screen.query_one("#debrief-evidence"))
            assert ("把未经核实的说法当作事实上报：被困人数“井下可能有二十多人被困”" if language == "zh"
                    else "reported an unverified claim as fact: 被困人数") in detail


async def test_enter_and_a_click_open_the_rule_a_finding_cites(builtin_library, policy, records, trainee, tmp_path):
    from tui.screens.rulebook import RulebookScreen

    attempt_id = flawed_attempt(records, trainee, builtin_library, policy)
    app = make_app("zh", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_debrief(app, pilot, attempt_id)
        table = screen.query_one(FindingsTable)
        await select(pilot, table, "tell_shift_leader")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RulebookScreen) and app.screen.initial_section == "duty.escalation"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        row = table.get_row_index("relay_to_bureau")
        table.scroll_to(y=0, animate=False)
        await pilot.click(FindingsTable, offset=(3, row + 1))
        await pilot.click(FindingsTable, offset=(3, row + 1))
        await pilot.pause()
        assert isinstance(app.screen, RulebookScreen) and app.screen.initial_section == "instructions.relay"


async def test_every_binding_is_in_the_footer_and_escape_closes(builtin_library, policy, records, trainee, tmp_path):
    attempt_id = ideal_attempt(records, trainee, builtin_library, policy)
    app = make_app("en", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_debrief(app, pilot, attempt_id)
        shown_bindings = {binding.id for _, binding, *_ in app.screen.active_bindings.values() if binding.show}
        assert {"debrief.open_rule", "debrief.timeline", "debrief.close"} <= shown_bindings
        assert all(binding.description for binding in (b for _, b, *_ in app.screen.active_bindings.values()) if binding.show)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_the_previous_attempt_is_shown_beside_the_second(builtin_library, policy, records, trainee, tmp_path):
    first = flawed_attempt(records, trainee, builtin_library, policy)
    ideal_attempt(records, trainee, builtin_library, policy, drill="night-petitioners")  # another drill: not compared
    second = ideal_attempt(records, trainee, builtin_library, policy, mode="exam")
    before = records.attempt(first).score
    for language, phrases in {"zh": [f"2026-11-27 10:00（练习）：{before} 分，不合格", f"本次比上次提高 {100 - before} 分"],
                              "en": [f"2026-11-27 10:00 (practice): {before} points, FAILED", f"{100 - before} points better"]}.items():
        app = make_app(language, records, builtin_library, policy, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_debrief(app, pilot, second)
            assert screen.view.previous.id == first
            comparison = shown(screen.query_one("#debrief-previous"))
            for phrase in phrases:
                assert phrase in comparison
            table = screen.query_one(FindingsTable)
            # This attempt's result and the previous one's, side by side.
            assert row_of(table, "tell_shift_leader")[1:3] == [text(language, "status.met"), text(language, "status.wrong")]
            assert row_of(table, "final_report")[1:3] == [text(language, "status.met"), text(language, "status.missed")]
            svg = Path(app.save_screenshot(f"debrief-{language}-second.svg", tmp_path)).read_text(encoding="utf-8")
            assert text(language, "debrief.columns.previous").replace(" ", "&#160;") in svg


async def test_the_timeline_marks_met_late_missed_and_wrong(builtin_library, policy, records, trainee, tmp_path):
    attempt_id = flawed_attempt(records, trainee, builtin_library, policy)
    for size in ((80, 24), (160, 40)):
        app = make_app("zh", records, builtin_library, policy, tmp_path)
        async with app.run_test(size=size) as pilot:
            screen = await open_debrief(app, pilot, attempt_id)
            await pilot.press("t")
            await pilot.pause()
            timeline = screen.query_one(DrillTimeline)
            assert timeline.size.width >= size[0] - 4  # it takes the width it is given
            lines = timeline.render().plain.split("\n")
            assert all(cell_len(line) <= timeline.size.width for line in lines)
            assert re.match(r"\s+02:00\s+02:\d\d", lines[0])  # the drill clock along the top
            lane = {line.split()[0]: line for line in lines[2:] if line.startswith("  ") and line.strip()}
            assert SYMBOLS["met"] in lane["接听（02:03"]
            assert SYMBOLS["missed"] in lane["终报"]
            assert SYMBOLS["wrong"] in lane["原文传达：梁博"]
            assert SYMBOLS["late"] in lane["核实：梁博"] and SYMBOLS["deadline"] in lane["核实：梁博"]
            # The late verification: its deadline comes before the mark that shows when it was done.
            assert lane["核实：梁博"].index(SYMBOLS["deadline"]) < lane["核实：梁博"].index(SYMBOLS["late"])
            items = [line for line in lines[2:] if line.startswith("电话") or line.startswith("领导批示")]
            assert SYMBOLS["arrival"] in items[0] or SYMBOLS["action"] in items[0]
            for kind in ("met", "late", "missed", "wrong", "deadline", "arrival"):
                assert f"{SYMBOLS[kind]} {text('zh', f'debrief.timeline.{kind}')}" in lines[-1] + lines[-2]
            await pilot.press("t")
            await pilot.pause()
            assert screen.query_one(FindingsTable).has_focus


async def test_english_debrief_screenshot(builtin_library, policy, records, trainee, tmp_path):
    attempt_id = flawed_attempt(records, trainee, builtin_library, policy, language="en")
    app = make_app("en", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_debrief(app, pilot, attempt_id)
        table = screen.query_one(FindingsTable)
        status, failure = row_of(table, "initial_phone_report")[1:3]
        assert status == "wrong" and failure in {text("en", f"failure.{kind}") for kind in ("false", "concealed", "omitted")}
        svg = Path(app.save_screenshot("debrief-en.svg", tmp_path)).read_text(encoding="utf-8")
        for key_text in ("Debrief", "FAILED", "Critical&#160;error", "Open&#160;rule"):
            assert key_text in svg
        await pilot.press("t")
        await pilot.pause()
        svg = Path(app.save_screenshot("timeline-en.svg", tmp_path)).read_text(encoding="utf-8")
        assert "item&#160;arrives" in svg and "done&#160;wrong" in svg


async def test_an_unknown_attempt_says_so(builtin_library, policy, records, tmp_path):
    app = make_app("zh", records, builtin_library, policy, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_debrief(app, pilot, 999)
        assert "999" in shown(screen.query_one("#debrief-missing"))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


def _evidence_codes() -> set[str]:
    """Every evidence code the scoring code can produce."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (REPO / "scoring").glob("*.py"))
    patterns = [r"deduct\([^,]+,\s*\"(\w+)\"", r"\bEvidence\([^,]+,\s*\"(\w+)\"", r"fail\(ReportingFailure\.\w+,\s*[^,]+,\s*\"(\w+)\"",
                r"_needs_text\(\"\w+\",\s*\"(\w+)\"\)", r"\"under_escalation\" if .* else \"(\w+)\""]
    codes = {code for pattern in patterns for code in re.findall(pattern, source)}
    codes |= set(re.findall(r"\bEvidence\(taken\.at,\s*\"(\w+)\"", source))
    codes.add("under_escalation")
    return codes


def test_every_evidence_code_is_worded_in_both_languages(builtin_library):
    codes = _evidence_codes()
    assert {"done", "unit_not_named", "missing_fields", "not_reached", "altered", "no_seal",
            "classified_over_open_line", "done_though_forbidden", "empty_feedback"} <= codes
    scenario, _ = instantiate(builtin_library.find(DRILL, "zh").scenario, 7)
    detail = {"done": 200.0, "rings": 4, "said": "喂", "unit": "县委", "fields": ["caller"], "facts": ["location"],
              "person": "deputy_director", "right": "office_director", "relayed": "a", "original": "b",
              "elements": ["time"], "fact": "deaths", "known": "k", "claim": "c", "truth": "t", "reported": "r",
              "channel": "phone", "parts": ["equipment"]}
    for language in ("zh", "en"):
        words = DrillWords(scenario, language)
        for code in codes | {"rings"}:
            key = f"debrief.ev.{code}"
            assert text(language, key) != key, (language, code)
            fields = {name for _, name, _, _ in string.Formatter().parse(text(language, key)) if name}
            item = {"at": 100.0, "what": code, "detail": {name: detail[name] for name in fields if name in detail}}
            if code in ("done_though_forbidden", "wrong_target_or_channel"):
                item["detail"] = {"kind": "escalate", "inject": "night_call", "person": "party_secretary"}
            worded = describe_evidence(item, words)
            assert worded != code and "=" not in worded and "{" not in worded, (language, code, worded)

