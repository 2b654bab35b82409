"""Exports of the readiness board: a real XLSX (read back with openpyxl), CSV, JSON."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import openpyxl
import pytest

from scoring.exports import Table, board_json, csv_text, write_csv, write_xlsx
from scoring.readiness import Readiness, Reason

TABLE = Table(
    title="上岗资格 [2026-06-01]",
    columns=["姓名", "状态", "有效期至", "缺少"],
    rows=[["张伟", "已具备", datetime.date(2026, 7, 30), None],
          ["李娜", "尚未具备", None, "缺少考核：请示汇报 低于 80%\n最近3次考核有严重差错"]],
    statuses=["cleared", "not_yet"], status_column=1,
)


def test_the_xlsx_is_a_workbook_excel_and_wps_can_open(tmp_path):
    path = tmp_path / "board.xlsx"
    write_xlsx(TABLE, path)
    with zipfile.ZipFile(path) as archive:  # Office Open XML: a zip with the standard parts
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(archive.namelist())
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "上岗资格  2026-06-01"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "状态", "有效期至", "缺少")
    assert rows[1][:3] == ("张伟", "已具备", datetime.datetime(2026, 7, 30))
    assert rows[2][3].startswith("缺少考核") and rows[2][2] is None
    assert sheet["B2"].fill.fgColor.rgb.endswith("C6EFCE") and sheet["B3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3"
    assert sheet["C2"].number_format == "yyyy-mm-dd"


def test_an_empty_board_still_makes_a_workbook(tmp_path):
    write_xlsx(Table("board", ["name"], []), tmp_path / "empty.xlsx")
    assert list(openpyxl.load_workbook(tmp_path / "empty.xlsx").active.iter_rows(values_only=True)) == [("name",)]


def test_a_failed_export_leaves_no_file_behind(tmp_path):
    with pytest.raises(Exception):
        write_xlsx(Table("board", ["a"], [[object()]]), tmp_path / "broken.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_the_csv_file_has_a_byte_order_mark_for_excel(tmp_path):
    path = tmp_path / "board.csv"
    write_csv(TABLE, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["姓名", "状态", "有效期至", "缺少"]
    assert rows[1] == ["张伟", "已具备", "2026-07-30", ""]
    assert rows[2][3].count("\n") == 1  # a multi-line cell stays one cell
    assert csv_text(TABLE).startswith("姓名,")


def test_the_json_board_is_coded():
    board = [Readiness(1, "李娜", "县委办", None, "not_yet", None, "2026-05-01",
                       (Reason("competency_below", {"competency": "escalation", "minimum_percent": 80, "best_percent": 70}),))]
    data = json.loads(board_json(board, datetime.date(2026, 6, 1)))
    assert data == {"date": "2026-06-01", "trainees": [{
        "trainee": "李娜", "unit": "县委办", "cohort": None, "status": "not_yet", "valid_until": None, "last_exam": "2026-05-01",
        "missing": [{"code": "competency_below", "competency": "escalation", "minimum_percent": 80, "best_percent": 70}]}]}


TYPED_BY_PEOPLE = Table(title="board", columns=["name", "reason", "score"],
                        rows=[["=HYPERLINK(\"http://evil.example\",\"click\")", "+1 cleared by hand", -3],
                              ["@SUM(A1:A2)", "http://example.org/rules", 80]])


def test_names_and_reasons_never_become_formulas_or_links_in_the_xlsx(tmp_path):
    path = tmp_path / "board.xlsx"
    write_xlsx(TYPED_BY_PEOPLE, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["A3"].data_type == "s" and sheet["B2"].value == "+1 cleared by hand"
    assert sheet["B3"].hyperlink is None and sheet["C2"].value == -3


def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    rows = list(csv.reader(io.StringIO(csv_text(TYPED_BY_PEOPLE))))
    assert rows[1] == ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1 cleared by hand", "-3"]
    assert rows[2] == ["'@SUM(A1:A2)", "http://example.org/rules", "80"]
