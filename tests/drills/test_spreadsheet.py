"""Spreadsheet drill plans: trainers' CSV/XLSX rows to drill files that `scenario check` accepts, and back."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.catalog import load_library
from drills.loader import load_scenario
from drills.scenario import ActionKind, Channel, Role
from drills.spreadsheet import (ACTIONS, CHANNELS, COMPETENCY_OF_ACTION, MESSAGES, RULE_OF_ACTION, ImportOptions,
                                SpreadsheetError, export_rows, import_plan, parse_action, parse_time, read_table,
                                side_sheets, write_table)
from knowledge.rulebook import cached_rulebook
from scoring.scorecard import DEFAULT_COMPETENCY
from tests.conftest import REPO
from tui.cli import main
from tui.i18n import TABLES

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheets"
GBK_PLAN = FIXTURES / "night-call.gbk.csv"
HEADER = "time,channel,from,content,expected action,deadline,rule\n"


@pytest.fixture(scope="module")
def rule_ids() -> set[str]:
    return set(cached_rulebook("zh").rule_ids())


@pytest.fixture(scope="module")
def rule_titles() -> dict[str, str]:
    return {s.title: s.id for language in ("zh", "en") for s in cached_rulebook(language).sections.values()}


def imported(path: Path, policy, rule_ids, rule_titles=None, **options):
    options.setdefault("name", path.name.split(".")[0])
    return import_plan(read_table(path), ImportOptions(**options), policy, rule_ids, rule_titles or {})


def checked(text: str, tmp_path: Path, policy, rule_ids, name: str = "drill.yaml"):
    """The drill file as `scenario check` sees it: loaded from disk, cross-checked against the rulebook."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    library = load_library(policy, [path], rule_ids)
    assert library.problems == []
    return library.drills[0].scenario


def problems(result) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for item in result.findings:
        if item.skipped:
            found.setdefault(item.row, []).append(item.code)
    return found


def invoke(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)


# ── The trainers' GBK plan ─────────────────────────────────────────────────────────────

def test_gbk_plan_becomes_a_drill_that_passes_check(tmp_path, policy, rule_ids, rule_titles):
    table = read_table(GBK_PLAN)
    assert table.encoding == "GB18030 (GBK)"
    result = imported(GBK_PLAN, policy, rule_ids, rule_titles)
    scenario = checked(result.text, tmp_path, policy, rule_ids)
    assert result.text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    assert scenario.language == "zh" and scenario.title == "夜间道路事故接报演练方案"  # the title row above the header
    assert scenario.start == "22:00"  # just before the first call at 22:02
    injects = {i.id: i for i in scenario.injects}
    assert [(i.id, i.channel.value, i.at) for i in scenario.injects if i.at] == [
        ("night_call", "phone", "22:02"), ("phone_2", "phone", "22:30"),
        ("message_3", "message", "23:00"), ("fax_4", "fax", "23:10")]
    assert injects["night_call"].opening.startswith("县委值班室吗？")
    assert injects["fax_4"].document.body == "关于货车侧翻的情况报告"
    assert injects["leader_asks"].when.missed == "night_call_escalate" and injects["leader_asks"].delay == 2
    expectations = {e.id: e for e in scenario.expectations}
    call = [e for e in scenario.expectations if e.inject == "night_call"]
    assert [e.action.value for e in call] == ["answer", "greet", "ask", "log", "escalate", "report", "verify"]
    assert expectations["night_call_greet"].rule == "duty.phone"  # cited by title: 值班：电话接听
    assert expectations["night_call_ask"].question.value == "place"  # 询问地点
    assert expectations["night_call_log"].deadline.limit == "log_entry"  # 10分钟 on a log row
    assert expectations["night_call_verify"].deadline.limit == "verify_claim"  # 15 on a verify row
    assert expectations["night_call_escalate"].deadline.limit == "escalate_urgent"  # the policy's label
    assert expectations["night_call_escalate"].target == "shift_leader" and expectations["night_call_escalate"].severity.value == "critical"
    report = expectations["night_call_report"]
    assert (report.stage.value, report.channel.value, report.target) == ("initial", "phone", "upper_duty_office")  # 电话初报
    assert expectations["phone_2_disclose"].avoid and expectations["phone_2_disclose"].deadline is None  # 不得透露
    assert expectations["fax_4_sign_for_document"].action is ActionKind.sign_for_document


def test_gbk_plan_reports_unusable_rows_by_number_and_keeps_the_rest(policy, rule_ids, rule_titles):
    result = imported(GBK_PLAN, policy, rule_ids, rule_titles)
    assert problems(result) == {13: ["bad_channel"], 15: ["bad_rule"], 18: ["bad_time"], 19: ["inject_skipped"]}
    by_row = {item.row: item for item in result.findings if item.skipped}
    assert "飞鸽传书" in by_row[13].message() and "25:99" in by_row[18].message()
    assert by_row[19].message() == "left out with its inject (row 18)"
    assert result.skipped
    # the fax on row 15 came in; only its expectation with the unknown rule was left out
    assert [e.action.value for e in result.scenario.expectations if e.inject == "fax_4"] == ["sign_for_document"]


def test_people_come_from_the_from_and_target_columns_with_a_default_shift_leader(policy, rule_ids, rule_titles):
    scenario = imported(GBK_PLAN, policy, rule_ids, rule_titles).scenario
    people = {p.id: p for p in scenario.people}
    assert len([p for p in scenario.people if p.name == "王强"]) == 1  # named on two rows, one person
    caller = next(p for p in scenario.people if p.name == "王强")
    assert caller.title == "镇党委值班员" and caller.role.value == "caller"
    police = next(p for p in scenario.people if p.name == "县交警大队值班员")
    assert next(e for e in scenario.expectations if e.id == "night_call_verify").target == police.id
    leader = people["default_shift_leader"]
    assert leader.role.value == "shift_leader" and leader.on_duty and leader.name == "{shift_leader}"
    assert "shift_leader" in scenario.variables
    assert people["default_upper_duty_office"].role.value == "upper_duty_office"  # a report goes somewhere
    assert next(i for i in scenario.injects if i.id == "leader_asks").source == "default_shift_leader"  # 带班领导


def test_the_drill_file_says_what_was_filled_in(policy, rule_ids, rule_titles):
    text = imported(GBK_PLAN, policy, rule_ids, rule_titles).text
    assert "默认人员：表中没有，请改成实际的人" in text
    assert "unit: 县委  # 默认值" in text and "difficulty: beginner  # 默认值" in text
    assert "  # 第 17 行\n  - id: leader_asks" in text
    assert re.search(r"id: night_call_log.*# 第 6 行", text)


@pytest.mark.parametrize("encoding, name", [("utf-8-sig", "UTF-8 (BOM)"), ("utf-8", "UTF-8"), ("utf-16", "UTF-16")])
def test_the_same_plan_in_other_encodings_reads_the_same(tmp_path, policy, rule_ids, rule_titles, encoding, name):
    text = GBK_PLAN.read_bytes().decode("gbk")
    copy = tmp_path / "night-call.csv"
    copy.write_bytes(text.replace(",", "\t").encode(encoding) if encoding == "utf-16" else text.encode(encoding))
    assert read_table(copy).encoding == name
    again = imported(copy, policy, rule_ids, rule_titles)
    original = imported(GBK_PLAN, policy, rule_ids, rule_titles)
    assert again.text == original.text


# ── A real workbook, as Excel or WPS would save it ─────────────────────────────────────

def make_workbook(path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "填写说明"
    workbook.active["A1"] = "本工作簿第二页是演练计划。"
    plan = workbook.create_sheet("计划")
    plan.append(["乡镇火灾接报演练"])
    plan.merge_cells("A1:H1")
    plan.append(["时间（时:分）", "渠道", "来源", "内容", "预期动作", "时限", "依据", "分值"])
    plan.append([datetime.time(0, 13), "电话", "张伟（镇值班员）", "村里一户民房着火了，火已经扑灭。", "接听", "answer_phone", "duty.phone", 3])
    plan.append([None, None, None, None, "值班记录", "log_entry", "duty.log", "=2+3"])  # saved by Excel: has a value
    plan.append([None, None, None, None, "请示汇报", "escalate_urgent", "duty.escalation", "=A1*2"])  # never calculated
    plan.append([None, None, None, None, "核实", "verify_claim", "duty.verification", 6])
    for column in "ABCD":  # the call's cells span its four rows
        plan.merge_cells(f"{column}3:{column}6")
    plan.append([datetime.datetime(1899, 12, 30, 23, 50), "Fax", "镇党委办公室", "关于火灾情况的报告", "登记", 5, "文电：收发登记", 4])
    plan.append(["=B7", "消息", "镇值班员", "火已扑灭", "接听", "answer_phone", "duty.phone", 2])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:  # give the first formula a cached value, as Excel does on saving
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(b"<f>2+3</f><v />", b"<f>2+3</f><v>5</v>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_workbook_with_merged_cells_time_cells_and_formulas(tmp_path, policy, rule_ids, rule_titles):
    path = tmp_path / "fire.xlsx"
    make_workbook(path)
    table = read_table(path)
    assert table.sheet == "计划" and table.encoding is None  # the instructions sheet has no header
    result = imported(path, policy, rule_ids, rule_titles)
    scenario = checked(result.text, tmp_path, policy, rule_ids)
    # row 5's points and row 8's time are formulas nobody ever calculated: those rows are out
    assert problems(result) == {5: ["formula"], 8: ["formula"]}
    assert "分值" in next(i for i in result.findings if i.row == 5).message()
    assert scenario.title == "乡镇火灾接报演练"  # a title merged across the top
    assert scenario.start == "23:45"  # 23:50 and 00:13 read as one night: the start that spans least
    call, fax = scenario.injects
    assert (call.at, call.channel, call.source) == ("00:13", Channel.phone, scenario.people[0].id)
    assert (fax.at, fax.channel, fax.document.body) == ("23:50", Channel.fax, "关于火灾情况的报告")
    expectations = {(e.inject, e.action.value): e for e in scenario.expectations}
    assert set(expectations) == {(call.id, "answer"), (call.id, "log"), (call.id, "verify"), (fax.id, "register_document")}
    assert expectations[(call.id, "log")].points == 5  # the formula's saved value
    assert expectations[(fax.id, "register_document")].deadline.limit == "register_document"  # 5 minutes, documents
    assert expectations[(fax.id, "register_document")].rule == "documents.registration"  # by its title


# ── Every built-in drill, out and back in ──────────────────────────────────────────────

def shape(scenario):
    injects = sorted((i.id, i.at, i.channel, i.delay, i.when and (i.when.missed, i.when.action, i.when.inject))
                     for i in scenario.injects)
    expectations = sorted((e.id, e.inject, e.action, e.avoid, e.deadline, e.rule, e.points, e.severity, e.target in
                           {r.value for r in Role}) for e in scenario.expectations)
    return injects, expectations


def who(scenario, person_or_role, source=False):
    """Whom an id stands for; a target spelt as a role name is the role (as export writes it)."""
    people = {p.id: (p.name, p.title) for p in scenario.people}
    if not source and person_or_role in {r.value for r in Role}:
        return person_or_role
    return people.get(person_or_role, person_or_role)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_builtin_drill_round_trips(tmp_path, builtin_library, policy, rule_ids, suffix):
    assert len(builtin_library.drills) >= 28
    for drill in builtin_library.drills:
        original = drill.scenario
        path = tmp_path / f"{original.id}.{original.language}{suffix}"
        headers, rows = export_rows(original)
        write_table(path, headers, rows, side_sheets(original) if suffix == ".xlsx" else None)
        result = import_plan(read_table(path), ImportOptions(start=original.start, name=path.stem), policy, rule_ids)
        assert not result.skipped, (path.name, [str(f) for f in result.findings if f.skipped])
        again = checked(result.text, tmp_path, policy, rule_ids, f"{path.name}.yaml")
        assert shape(again) == shape(original), path.name
        for before, after in zip(sorted(original.expectations, key=lambda e: e.id), sorted(again.expectations, key=lambda e: e.id)):
            assert who(again, after.target) == who(original, before.target), (path.name, before.id)
            assert (after.question, after.stage, after.channel, after.elements, after.description) == \
                   (before.question, before.stage, before.channel, before.elements, before.description)
        for before, after in zip(sorted(original.injects, key=lambda i: i.id), sorted(again.injects, key=lambda i: i.id)):
            assert who(again, after.source, True) == who(original, before.source, True) and after.summary == before.summary
            assert after.wording() == before.wording()
            if before.when and before.when.target:
                assert who(again, after.when.target) == who(original, before.when.target)
        if suffix == ".xlsx":  # the side sheets carry the settings, variables and people exactly
            assert (again.id, again.title, again.start, again.unit, again.briefing) == \
                   (original.id, original.title, original.start, original.unit, original.briefing)
            assert again.variables == original.variables and again.people == original.people
            assert shape(again) == shape(original) and [e.target for e in again.expectations] == \
                   [e.target for e in sorted(original.expectations, key=lambda e: [i.id for i in original.injects].index(e.inject))]


def test_export_layout_one_row_per_expectation(builtin_library):
    scenario = builtin_library.find("unsealed-fax", "zh").scenario
    headers, rows = export_rows(scenario)
    assert headers[:7] == ["时间", "渠道", "来源", "内容", "预期动作", "时限", "依据"]
    assert len(rows) == len(scenario.expectations)  # every inject has at least one expectation
    first, second = rows[0], rows[1]
    assert (first[0], first[1], first[4], first[5]) == (6, "传真", "文电登记", "register_document")
    assert first[2] == "{clerk}（镇党政办工作人员）" and second[:4] == ["", "", "", ""]
    trigger = next(row for row in rows if row[headers.index("注入编号")] == "sealed_copy")
    assert trigger[headers.index("触发条件")] == "动作：催办；注入：township_fax" and trigger[0] == 15


def test_csv_export_is_utf8_with_bom_and_guards_formula_text(tmp_path, builtin_library, policy, rule_ids):
    scenario = builtin_library.find("spot-check", "en").scenario
    inject = scenario.injects[0].model_copy(update={"opening": "=HYPERLINK(\"http://x\")", "summary": "+1 call"})
    scenario = scenario.model_copy(update={"injects": [inject, *scenario.injects[1:]]})
    path = tmp_path / "plan.csv"
    write_table(path, *export_rows(scenario))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftime,channel,from,content,expected action,deadline,rule,")
    assert b"'=HYPERLINK" in raw and b"\r\n" in raw
    again = import_plan(read_table(path), ImportOptions(start=scenario.start, name="plan"), policy, rule_ids).scenario
    assert again.injects[0].opening == "=HYPERLINK(\"http://x\")" and again.injects[0].summary == "+1 call"
    xlsx = tmp_path / "plan.xlsx"
    write_table(xlsx, *export_rows(scenario))
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet["D2"].data_type == "s" and sheet["D2"].value == "=HYPERLINK(\"http://x\")"  # text, not a formula


# ── Bad input never raises anything but SpreadsheetError ───────────────────────────────

def refusal(path: Path) -> str:
    with pytest.raises(SpreadsheetError) as error:
        read_table(path)
    return error.value.findings[0].code


def test_unreadable_files(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "blank.csv").write_bytes(b" \r\n\r\n")
    (tmp_path / "junk.xlsx").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "junk.csv").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "big.csv").write_bytes(HEADER.encode() + b"1,phone,a,b,answer,answer_phone,duty.phone\n" * 500_000)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    (tmp_path / "latin1.csv").write_bytes(HEADER.encode() + "1,phone,Zoë \x81\xff,b\n".encode("latin-1"))
    with zipfile.ZipFile(tmp_path / "words.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 60_000_000)
    (tmp_path / "torn.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert (tmp_path / "big.csv").stat().st_size > 20_000_000
    assert (tmp_path / "bomb.xlsx").stat().st_size < 1_000_000
    codes = {name: refusal(tmp_path / name) for name in (
        "empty.csv", "blank.csv", "junk.xlsx", "junk.csv", "big.csv", "old.xls", "latin1.csv", "words.xlsx",
        "bomb.xlsx", "torn.xlsx", "missing.csv")}
    assert codes == {"empty.csv": "empty", "blank.csv": "empty", "junk.xlsx": "bad_xlsx", "junk.csv": "binary",
                     "big.csv": "too_big", "old.xls": "old_xls", "latin1.csv": "encoding", "words.xlsx": "bad_xlsx",
                     "bomb.xlsx": "unpacked_too_big", "torn.xlsx": "bad_xlsx", "missing.csv": "unreadable"}


def test_damaged_workbook_inside_a_good_zip(tmp_path):
    path = tmp_path / "damaged.xlsx"
    make_workbook(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"][:300]  # cut off mid-XML
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert refusal(path) == "bad_xlsx"


@pytest.mark.parametrize("content, code", [
    ("a,b,c\n1,2,3\n", "no_header"),
    ("时间,内容\n22:00,something\n", "missing_column"),
    ("时间,渠道,内容\n", "no_rows"),
])
def test_plans_without_a_usable_header(tmp_path, policy, rule_ids, content, code):
    path = tmp_path / "plan.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SpreadsheetError) as error:
        imported(path, policy, rule_ids)
    assert error.value.findings[-1].code == code


def test_nothing_usable_writes_nothing(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "1,carrier pigeon,Ann,hello,answer,answer_phone,duty.phone\n", encoding="utf-8")
    result = imported(path, policy, rule_ids)
    assert result.text is None and [f.code for f in result.findings] == ["bad_channel", "nothing_usable"]


def test_control_characters_and_escapes_are_stripped(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "1,phone,Ann\x07\x1b[31m,\u202eHello\x0b there\u200b,answer,answer_phone,duty.phone\n", encoding="utf-8")
    scenario = checked(imported(path, policy, rule_ids).text, tmp_path, policy, rule_ids)
    assert scenario.injects[0].opening == "Hello there"
    assert any(p.name == "Ann" for p in scenario.people)


def test_csv_field_too_large_is_reported_at_its_row(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "1,phone,Ann,hello,answer,answer_phone,duty.phone\n2,phone,Bo,\"" + "x" * 200_000 + "\"\n",
                    encoding="utf-8")
    result = imported(path, policy, rule_ids)
    assert problems(result) == {3: ["csv_error"]} and len(result.scenario.injects) == 1


def test_too_long_content_is_a_row_problem(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "1,phone,Ann,hello,answer,answer_phone,duty.phone\n2,phone,Bo," + "长" * 20_001 + ",answer,,\n",
                    encoding="utf-8")
    result = imported(path, policy, rule_ids)
    assert problems(result) == {3: ["invalid"]}
    assert "content" in next(f for f in result.findings if f.row == 3).message()


def test_rows_checks_refuse_are_left_out_with_checks_reason(tmp_path, policy, rule_ids):
    """An answer expectation on a fax: `scenario check` would refuse the drill, so the row is left out."""
    path = tmp_path / "plan.csv"
    path.write_text("time,channel,from,content,expected action,deadline,rule,trigger\n"
                    "1,fax,County bureau,report,answer,answer_phone,duty.phone,\n"      # row 2: answer a fax?
                    ",,,,register,register_document,,\n"                               # row 3
                    "3,phone,Ann,hi,escalate,escalate_urgent,duty.escalation,\n"       # row 4
                    ",,,,answer,answer_phone,duty.phone,\n"                            # row 5
                    "5,message,Ann,update,,,,\n"                                       # row 6: no expectation
                    "1,phone,Boss,why?,answer,answer_phone,duty.phone,missed: nobody\n"  # row 7
                    ",,,,log,log_entry,duty.log,\n", encoding="utf-8")                  # row 8
    result = imported(path, policy, rule_ids)
    checked(result.text, tmp_path, policy, rule_ids)
    found = problems(result)
    assert found[2] == ["invalid"] and "does not fit a fax" in next(f for f in result.findings if f.row == 2).message()
    assert found[7] == ["invalid"]  # a trigger on an expectation that does not exist can never fire
    assert found[8] == ["inject_skipped"]
    assert 3 not in found and 4 not in found and 6 not in found


cell_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(cell_text, cell_text, cell_text, cell_text, cell_text, cell_text), min_size=1, max_size=6))
def test_any_cell_text_gives_findings_or_a_drill_that_passes_check(tmp_path, policy, rule_ids, cells):
    """Whatever the cells hold, import never raises, and what it writes is a drill `scenario check` accepts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["time", "channel", "from", "content", "expected action", "deadline", "rule", "target", "trigger"])
    for index, (who_, content, action, deadline, target, trigger) in enumerate(cells):
        writer.writerow([index + 1, ["phone", "fax", "message", "visitor"][index % 4], who_, content, action or "answer",
                         deadline, "", target, trigger if index % 3 == 2 else ""])
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        result = imported(path, policy, rule_ids)
    except SpreadsheetError as error:  # a refusal of the whole file (a NUL makes it binary) is fine too
        assert error.findings and all(item.message() for item in error.findings)
        return
    assert all(isinstance(item.message(), str) for item in result.findings)
    if result.text is not None:
        assert result.scenario is not None, [str(f) for f in result.findings]
        checked(result.text, tmp_path, policy, rule_ids)

# ── Cells ─────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("cell, expected", [
    (12, 12), (12.5, 12.5), ("12", 12), ("12.5", 12.5), ("12分钟", 12), ("第12分钟", 12), ("12 min", 12), ("+3", 3),
    ("02:13", "02:13"), ("2:13", "02:13"), ("2：13", "02:13"), ("02:13:00", "02:13"), ("2点13分", "02:13"),
    (datetime.time(2, 13), "02:13"), (datetime.datetime(2026, 5, 1, 22, 30), "22:30"),
    (datetime.timedelta(minutes=75), 75), ("25:00", None), ("2:75", None), (-3, None), ("abc", None), (True, None),
    (float("nan"), None), (5000, None), ("", None),
])
def test_time_cells(cell, expected):
    assert parse_time(cell) == expected


@pytest.mark.parametrize("cell, channel, expected", [
    ("接听", "phone", ("answer", {}, False)),
    ("answer", "phone", ("answer", {}, False)),
    ("登记", "fax", ("register_document", {}, False)),
    ("登记", "phone", ("log", {}, False)),
    ("register", "telegram", ("register_document", {}, False)),
    ("不得透露", "phone", ("disclose", {}, True)),
    ("avoid disclose", "phone", ("disclose", {}, True)),
    ("电话初报", "phone", ("report", {"channel": "phone", "stage": "initial"}, False)),
    ("书面续报", "phone", ("report", {"channel": "written", "stage": "follow_up"}, False)),
    ("written follow-up report", "phone", ("report", {"stage": "follow_up", "channel": "written"}, False)),
    ("询问伤亡", "phone", ("ask", {"question": "consequences"}, False)),
    ("ask place", "phone", ("ask", {"question": "place"}, False)),
    ("Sign for document", "fax", ("sign_for_document", {}, False)),
    ("请示汇报", "phone", ("escalate", {}, False)),
    ("dance", "phone", None),
])
def test_action_cells(cell, channel, expected):
    assert parse_action(cell, channel) == expected


def test_vocabularies_cover_the_model_and_read_back_their_own_labels():
    for kind in ActionKind:
        for language in ("zh", "en"):
            assert ACTIONS.find(ACTIONS.label(kind.value, language)) == kind.value
    for channel in Channel:
        for language in ("zh", "en"):
            assert CHANNELS.find(CHANNELS.label(channel.value, language)) == channel.value
    assert CHANNELS.find("电报") == "telegram" and CHANNELS.find("来访") == "visitor" and CHANNELS.find("电话抽查") == "spot_check"


def test_defaults_agree_with_scoring_and_the_rulebook(rule_ids):
    assert COMPETENCY_OF_ACTION == {action.value: competency.value for action, competency in DEFAULT_COMPETENCY.items()}
    assert set(RULE_OF_ACTION) == {kind.value for kind in ActionKind} and set(RULE_OF_ACTION.values()) <= rule_ids


def test_deadline_in_minutes_needs_to_be_unambiguous(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "1,phone,Ann,hi,answer,10,duty.phone\n,,,,log,10,duty.log\n,,,,verify,7,duty.verification\n",
                    encoding="utf-8")
    result = imported(path, policy, rule_ids)
    assert problems(result) == {2: ["ambiguous_deadline"], 4: ["bad_deadline"]}
    assert "log_entry" in next(f for f in result.findings if f.row == 2).message()
    assert result.scenario.expectations[0].deadline.limit == "log_entry"


def test_english_plan_with_contingency_and_deadline_anchors(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(
        "Time,Channel,From,Content,Expected action,Deadline,Rule,Target,Deadline from,Trigger,Expectation id,Stage\n"
        "01:40,Phone,Ann Lee (township duty officer),A bus slid off the road,answer,answer_phone,duty.phone,,,,answer_bus,\n"
        ",,,,escalate,escalate_urgent,duty.escalation,shift leader,,,tell_leader,\n"
        ",,,,report,report_phone_general,report.time-limits,upper duty office,,,,\n"
        "02:10,Message,Traffic police,Two more injured,report,follow_up_after_change,report.follow-up,upper duty office,change: injured,,,follow-up\n"
        ",,,,feedback,instruction_feedback,instructions.feedback,shift leader,met: tell_leader,,,\n"
        "1,phone,Shift leader (deputy director on shift),Why was I not told?,answer,answer_phone,duty.phone,,,missed: tell_leader,,\n",
        encoding="utf-8")
    result = imported(path, policy, rule_ids)
    scenario = checked(result.text, tmp_path, policy, rule_ids)
    assert scenario.language == "en" and scenario.start == "01:35"
    expectations = {e.id: e for e in scenario.expectations}
    assert expectations["message_2_report"].deadline.after == "change:injured"
    assert expectations["message_2_report"].stage.value == "follow_up"
    assert expectations["message_2_feedback"].deadline.after == "met:tell_leader"
    assert next(e for e in scenario.expectations if e.action.value == "report" and e.inject == "phone_1").stage.value == "initial"
    assert any(f.code == "default_stage" and f.row == 4 for f in result.findings)
    stub = next(f for f in scenario.facts if f.id == "injured")  # stands in for the fact the deadline counts from
    assert stub.changes[0].at == "02:10"
    leader = next(p for p in scenario.people if p.role.value == "shift_leader")
    assert leader.name == "Shift leader" and not any(p.id.startswith("default_shift") for p in scenario.people)
    contingency = next(i for i in scenario.injects if i.when)
    assert contingency.when.missed == "tell_leader" and contingency.delay == 1 and contingency.source == leader.id


def test_start_spans_midnight_and_can_be_given(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "00:20,phone,Ann,b,answer,answer_phone,duty.phone\n23:50,phone,Bo,a,answer,answer_phone,duty.phone\n",
                    encoding="utf-8")
    assert imported(path, policy, rule_ids).scenario.start == "23:45"
    given = imported(path, policy, rule_ids, start="23:00").scenario
    assert given.start == "23:00" and given.length >= 80


def test_placeholders_are_declared(tmp_path, policy, rule_ids):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "1,phone,{caller} (duty officer),\"At {village2}, {households} homes; call {caller_phone}\",answer,answer_phone,duty.phone\n",
                    encoding="utf-8")
    result = imported(path, policy, rule_ids)
    scenario = checked(result.text, tmp_path, policy, rule_ids)
    kinds = {name: variable.kind for name, variable in scenario.variables.items()}
    assert kinds == {"caller": "name", "village2": "village", "households": "number", "caller_phone": "phone",
                     "shift_leader": "name"}
    assert any(f.code == "guessed_variables" for f in result.findings) and not result.skipped


def test_spreadsheet_module_loads_openpyxl_only_when_reading_a_workbook():
    probe = "import drills.spreadsheet, sys; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_message_is_in_both_interface_languages():
    for code, english in MESSAGES.items():
        assert TABLES["en"][f"spreadsheet.{code}"] == english
        fields = set(re.findall(r"\{(\w+)", english))
        assert set(re.findall(r"\{(\w+)", TABLES["zh"][f"spreadsheet.{code}"])) == fields, code


# ── The commands ──────────────────────────────────────────────────────────────────────

def test_import_command_writes_the_drill_lists_rows_and_exits_1(tmp_path):
    source = tmp_path / "night-call.csv"
    source.write_bytes(GBK_PLAN.read_bytes())
    result = CliRunner().invoke(main, ["--lang", "en", "scenario", "import", str(source)], catch_exceptions=False)
    assert result.exit_code == 1
    out = source.with_name("night-call.zh.yaml")
    assert out.exists()
    rows = [line for line in result.stdout.splitlines() if ":row " in line]
    assert [line.split(":")[1] for line in rows] == ["row 13", "row 15", "row 18", "row 19"]
    assert rows[0].startswith(f"{source}:row 13: unknown channel")
    assert "as GB18030 (GBK)" in result.stderr and "Wrote" in result.stdout
    assert invoke("scenario", "check", str(out)).exit_code == 0
    again = invoke("scenario", "import", str(source))
    assert again.exit_code == 1 and "already exists" in again.output and "--force" in again.output


def test_import_command_in_chinese_and_clean_plan_exits_0(tmp_path):
    source = tmp_path / "plan.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["时间", "渠道", "来源", "内容", "预期动作", "时限", "依据"])
    workbook.active.append(["22:10", "电话", "值班员", "有情况", "接听", "answer_phone", "duty.phone"])
    workbook.save(source)
    out = tmp_path / "mine.yaml"
    result = CliRunner().invoke(main, ["--lang", "zh", "scenario", "import", str(source), "--id", "my-plan",
                                       "--title", "我的演练", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "已写入" in result.stdout and "提示" in result.stderr
    scenario, _ = load_scenario(out)
    assert (scenario.id, scenario.title, scenario.language) == ("my-plan", "我的演练", "zh")


def test_import_command_refuses_bad_options_and_files(tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text(HEADER + "1,phone,Ann,hi,answer,answer_phone,duty.phone\n", encoding="utf-8")
    assert invoke("scenario", "import", str(source), "--start", "25:00").exit_code == 2
    bad_id = invoke("scenario", "import", str(source), "--id", "Not An Id")
    assert bad_id.exit_code == 1 and "cannot be an id" in bad_id.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x89PNG\r\n" + bytes(200))
    result = invoke("scenario", "import", str(junk))
    assert result.exit_code == 1 and result.output.startswith(f"{junk}: this is not a readable .xlsx")
    assert "Traceback" not in result.output


def test_import_notes_an_id_already_in_the_library(tmp_path):
    source = tmp_path / "spot-check.csv"
    assert invoke("scenario", "export", "spot-check", "--lang", "en", "--to", str(source)).exit_code == 0
    result = CliRunner().invoke(main, ["--lang", "en", "scenario", "import", str(source), "--start", "21:00"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "drill id 'spot-check' (en) is already used by" in result.stderr


def test_export_command_by_id_and_by_path(tmp_path):
    csv_path, xlsx_path = tmp_path / "plan.csv", tmp_path / "plan.xlsx"
    result = invoke("scenario", "export", "night-mine-flood", "--lang", "zh", "--to", str(csv_path))
    assert result.exit_code == 0 and "Wrote" in result.output and "need an .xlsx" in result.stderr
    assert csv_path.read_bytes().startswith("\ufeff时间,渠道,来源,内容,预期动作,时限,依据".encode())
    drill_file = REPO / "scenarios" / "en" / "three-calls.yaml"
    assert invoke("scenario", "export", str(drill_file), "--to", str(xlsx_path)).exit_code == 0
    workbook = openpyxl.load_workbook(xlsx_path)
    assert workbook.sheetnames == ["plan", "drill", "variables", "people"]
    assert [c.value for c in workbook["plan"][1]][:3] == ["time", "channel", "from"]
    assert invoke("scenario", "export", "three-calls", "--to", str(xlsx_path)).exit_code == 1  # exists
    assert invoke("scenario", "export", "three-calls", "--to", str(tmp_path / "plan.ods")).exit_code == 2
    assert invoke("scenario", "export", "no-such-drill", "--to", str(tmp_path / "x.csv")).exit_code == 1


def test_exported_builtin_imports_back_through_the_commands(tmp_path):
    xlsx = tmp_path / "flood.xlsx"
    assert invoke("scenario", "export", "township-flood", "--lang", "zh", "--to", str(xlsx)).exit_code == 0
    out = tmp_path / "flood.yaml"
    result = invoke("scenario", "import", str(xlsx), "--out", str(out), "--id", "my-flood")
    assert result.exit_code == 0, result.output
    assert invoke("scenario", "check", str(out)).exit_code == 0
    run = invoke("drill", "run", str(out), "--json")  # the ideal playbook still meets every expectation
    assert run.exit_code == 0 and json.loads(run.output)["score"] == 100
