"""Staff lists from CSV and XLSX: headings in Chinese or English, unusable rows reported by
number, people already on the records left as they are, and nothing half-imported."""

from __future__ import annotations

import openpyxl
import pytest

from scoring.records import RecordsError
from scoring.staff_import import StaffListError, import_staff, parse_rows, read_staff_list
from scoring.audit import audit_entries
from scoring.trainers import Trainer
from tests.records.test_trainers import PASSPHRASE, fast_scrypt, invoke, typed  # noqa: F401  (fixtures)


@pytest.fixture
def trainer(records) -> Trainer:
    return Trainer.set_first_passphrase(records, PASSPHRASE)


def write_csv(path, text: str, encoding: str = "utf-8-sig"):
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def people(records):
    return [(t.name, t.unit, t.cohort) for t in records.trainees(include_archived=True)]


def test_a_chinese_csv_with_a_default_cohort(records, trainer, tmp_path):
    path = write_csv(tmp_path / "名单.csv", "姓名,单位,班组,手机\r\n张伟,县委办,2026春,139\r\n李娜,县政府办,,\r\n\r\n王芳,应急局,,\r\n")
    staff = read_staff_list(path)
    assert [(row.row, row.name, row.cohort) for row in staff.rows] == [(2, "张伟", "2026春"), (3, "李娜", None), (5, "王芳", None)]
    assert staff.problems == () and staff.ignored_columns == ("手机",)
    result = import_staff(trainer, staff, path.name, cohort="2026秋")
    assert [row.name for row in result.added] == ["张伟", "李娜", "王芳"] and result.already_there == ()
    assert people(records) == [("张伟", "县委办", "2026春"), ("李娜", "县政府办", "2026秋"), ("王芳", "应急局", "2026秋")]
    entry = audit_entries(records.db)[-1]
    assert (entry.what, entry.who) == ("staff_imported", "trainer")
    assert entry.details == {"file": "名单.csv", "cohort": "2026秋", "added": ["张伟", "李娜", "王芳"], "already_there": []}


def test_a_gbk_csv_and_english_headings_in_any_case(tmp_path):
    gbk = read_staff_list(write_csv(tmp_path / "gbk.csv", "姓名,单位\r\n张伟,县委办\r\n", encoding="gbk"))
    assert [(row.name, row.unit) for row in gbk.rows] == [("张伟", "县委办")]
    english = read_staff_list(write_csv(tmp_path / "en.csv", "Unit;NAME;Cohort\nCounty office;Zhang Wei;A\n"))
    assert [(row.name, row.unit, row.cohort) for row in english.rows] == [("Zhang Wei", "County office", "A")]


def test_an_xlsx_with_numbers_blank_rows_and_row_numbers_as_excel_shows_them(records, trainer, tmp_path):
    path = write_xlsx(tmp_path / "staff.xlsx", [[None], ["序号", "姓名", "单位", "批次"], [1, "张伟", "县委办", 2026],
                                              [2, None, "县委办", 2026], [3, "李娜", None, 2026.0], [4, "张伟", "市委办", None]])
    staff = read_staff_list(path)
    assert [(row.row, row.name, row.unit, row.cohort) for row in staff.rows] == [(3, "张伟", "县委办", "2026"), (5, "李娜", "", "2026")]
    assert [(problem.row, problem.code, problem.details) for problem in staff.problems] == [
        (4, "no_name", {}), (6, "duplicate_in_file", {"name": "张伟", "first_row": 3})]


def test_a_list_with_unusable_rows_imports_nothing(records, trainer, tmp_path):
    text = "name,unit\nZhang Wei,A\n,B\nLi\u200bNa,C\n" + "X" * 51 + ",D\nZhang Wei,E\n"
    staff = read_staff_list(write_csv(tmp_path / "bad.csv", text))
    assert [(problem.row, problem.code) for problem in staff.problems] == [
        (3, "no_name"), (4, "control_characters"), (5, "name_too_long"), (6, "duplicate_in_file")]
    with pytest.raises(RecordsError) as raised:
        import_staff(trainer, staff, "bad.csv")
    assert raised.value.code == "import_has_problems" and raised.value.details == {"count": 4}
    assert people(records) == [] and [e.what for e in audit_entries(records.db)] == ["passphrase_set"]


def test_a_failure_half_way_leaves_nothing_imported(records, trainer, tmp_path, monkeypatch):
    staff = parse_rows([["姓名"], ["甲"], ["乙"], ["丙"]])
    real = trainer.insert_trainee
    calls = []

    def failing(name, unit, cohort):
        calls.append(name)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(name, unit, cohort)
    monkeypatch.setattr(trainer, "insert_trainee", failing)
    with pytest.raises(RuntimeError):
        import_staff(trainer, staff, "list.csv")
    assert people(records) == [] and [e.what for e in audit_entries(records.db)] == ["passphrase_set"]


def test_people_already_on_the_records_are_reported_and_left_alone(records, trainer):
    trainer.add_trainee("张伟", unit="县委办", cohort="2026春")
    result = import_staff(trainer, parse_rows([["姓名", "单位"], ["张伟", "市委办"], ["李娜", "县委办"]]), "list.csv")
    assert [(row.row, row.name) for row in result.already_there] == [(2, "张伟")]
    assert [row.name for row in result.added] == ["李娜"]
    assert people(records) == [("张伟", "县委办", "2026春"), ("李娜", "县委办", None)]
    again = import_staff(trainer, parse_rows([["姓名"], ["张伟"], ["李娜"]]), "list.csv")
    assert again.added == () and len(again.already_there) == 2
    assert [e.what for e in audit_entries(records.db)].count("staff_imported") == 1  # nothing changed the second time


@pytest.mark.parametrize("name, content, code", [
    ("list.xls", b"\xd0\xcf\x11\xe0", "unsupported_file"),
    ("list.xlsx", b"PK\x03\x04 not really a workbook", "unreadable"),
    ("list.csv", b"\xff\xfe\x00\xd8\x00\xdc" * 3, "unknown_encoding"),
    ("list.csv", "单位,手机\n县委办,139\n".encode(), "no_name_column"),
    ("list.csv", b"\r\n,,\r\n", "empty"),
])
def test_a_file_that_is_no_staff_list_says_why(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(StaffListError) as raised:
        read_staff_list(path)
    assert raised.value.code == code


# The command

def test_import_command_reports_rows_and_imports_nothing(invoke, records, trainer, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", "姓名,单位\n张伟,县委办\n,县委办\n张伟,市委办\n")
    result = invoke("trainer", "import", str(bad), lang="zh")
    assert result.exit_code == 1
    assert "第 3 行：没有姓名" in result.output and "第 4 行：张伟 重复（首次出现在第 2 行）" in result.output
    assert "未导入任何人：有 2 行无法使用" in result.output and people(records) == []


def test_import_command_dry_run_then_import(invoke, records, trainer, tmp_path):
    trainer.add_trainee("张伟")
    path = write_xlsx(tmp_path / "staff.xlsx", [["姓名", "单位", "班组"], ["张伟", "县委办", "甲"], ["李娜", "县委办", None]])
    dry = invoke("trainer", "import", str(path), "--cohort", "乙", "--dry-run", input=typed(PASSPHRASE))
    assert dry.exit_code == 0 and "Would add 1: 李娜" in dry.output and "张伟 (row 2)" in dry.output
    assert [t.name for t in records.trainees()] == ["张伟"]
    wrong = invoke("trainer", "import", str(path), input=typed("not the passphrase"))
    assert wrong.exit_code == 1 and [t.name for t in records.trainees()] == ["张伟"]
    done = invoke("trainer", "import", str(path), "--cohort", "乙", input=typed(PASSPHRASE))
    assert done.exit_code == 0 and "Added 1 trainees from staff.xlsx." in done.output
    assert "Already on the records, left as they are: 张伟 (row 2)" in done.output
    assert people(records) == [("张伟", "", None), ("李娜", "县委办", "乙")]
    assert "imported 1 trainees from staff.xlsx: 李娜" in invoke("audit").output


def test_import_command_names_an_unreadable_file(invoke, tmp_path):
    path = tmp_path / "list.ods"
    path.write_bytes(b"x")
    result = invoke("trainer", "import", str(path))
    assert result.exit_code == 1 and "a staff list is a .csv or .xlsx file, not .ods" in result.output

