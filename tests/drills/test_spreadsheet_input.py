"""Spreadsheet import: bad input, single cells and the vocabularies."""

from __future__ import annotations

import csv
import datetime
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.scenario import ActionKind, Channel
from drills.spreadsheet import (ACTIONS, CHANNELS, COMPETENCY_OF_ACTION, MESSAGES, RULE_OF_ACTION, SpreadsheetError, parse_action, parse_time, read_table)
from scoring.scorecard import DEFAULT_COMPETENCY
from tests.conftest import REPO
from tui.i18n import TABLES
from tests.drills.spreadsheet_support import (  # noqa: F401  (fixtures used by name)
    FIXTURES, GBK_PLAN, HEADER, checked, imported, invoke, make_workbook, problems, rule_ids, rule_titles,
)


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
