"""Spreadsheet drill plans: trainers' CSV/XLSX rows to drill files that `scenario check` accepts, and back."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from drills.loader import load_scenario
from drills.scenario import ActionKind, Channel, Role
from drills.spreadsheet import (ImportOptions,
                                export_rows, import_plan, read_table,
                                side_sheets, write_table)
from tests.conftest import REPO
from tui.cli import main
from tests.drills.spreadsheet_support import (  # noqa: F401  (fixtures used by name)
    FIXTURES, GBK_PLAN, HEADER, checked, imported, invoke, make_workbook, problems, rule_ids, rule_titles,
)


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
