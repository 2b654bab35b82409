"""Staff lists from the office's spreadsheets (CSV or XLSX) into trainees with unit and cohort.

The first non-empty row names the columns: 姓名/name (required), 单位/unit and 班组/cohort
(批次 and 学员 too, as the readiness sheet heads them). Every unusable row is reported by its
row number as the spreadsheet shows it; a list with any unusable row imports nothing, and a
usable list is imported in one transaction, so nothing is ever half-imported. People already
on the records are reported and left as they are.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scoring.records import RecordsError, write_transaction
from scoring.trainers import Trainer

HEADINGS = {
    "name": ("姓名", "学员", "名字", "name", "trainee"),
    "unit": ("单位", "部门", "unit", "office"),
    "cohort": ("班组", "批次", "cohort", "group"),
}
NAME_MAX_LENGTH = 50
TEXT_MAX_LENGTH = 100
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel and WPS in China save CSV as GBK unless told otherwise


@dataclass(frozen=True)
class StaffRow:
    row: int  # as the spreadsheet numbers it, heading row included
    name: str
    unit: str
    cohort: str | None


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str  # no_name | name_too_long | text_too_long | control_characters | duplicate_in_file
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StaffList:
    rows: tuple[StaffRow, ...]
    problems: tuple[RowProblem, ...]
    ignored_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    added: tuple[StaffRow, ...]
    already_there: tuple[StaffRow, ...]


class StaffListError(Exception):
    """The file as a whole cannot be read as a staff list; ``code`` is for the interface to word."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code, details)
        self.code = code
        self.details = details


def read_staff_list(path: Path) -> StaffList:
    """Read a .csv or .xlsx staff list; whole-file failures raise ``StaffListError``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_rows(_csv_rows(path))
    if suffix in (".xlsx", ".xlsm"):
        return parse_rows(_xlsx_rows(path))
    raise StaffListError("unsupported_file", path=str(path), suffix=suffix or "—")


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StaffListError("unreadable", path=str(path), error=error.strerror or str(error)) from None
    for encoding in CSV_ENCODINGS:
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StaffListError("unknown_encoding", path=str(path))
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(content, newline=""), dialect))


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    import openpyxl  # only an import of a workbook needs it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook raises BadZipFile, KeyError and more from deep inside
        raise StaffListError("unreadable", path=str(path), error=str(error) or type(error).__name__) from None
    try:
        yield from (list(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a cohort typed as 2026 comes back from Excel as 2026.0
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).replace("\u3000", " ").strip()


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(character) in ("Cc", "Cf") for character in text)


def _heading_key(heading: str) -> str | None:
    folded = heading.strip().casefold()
    return next((key for key, names in HEADINGS.items() if folded in names), None)


def parse_rows(rows: Iterable[list[object]]) -> StaffList:
    """Rows as read (the first non-empty one the headings) → the usable rows and the problems."""
    numbered = ((number, [_cell(value) for value in row]) for number, row in enumerate(rows, start=1))
    columns: dict[str, int] = {}
    ignored: list[str] = []
    staff: list[StaffRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for number, cells in numbered:
        if not any(cells):
            continue  # blank lines between blocks of staff are common
        if not columns:
            for index, heading in enumerate(cells):
                key = _heading_key(heading)
                if key and key not in columns:
                    columns[key] = index
                elif heading:
                    ignored.append(heading)
            if "name" not in columns:
                raise StaffListError("no_name_column", row=number, headings=", ".join(h for h in cells if h))
            continue
        found = {key: cells[index] if index < len(cells) else "" for key, index in columns.items()}
        name, unit, cohort = found["name"], found.get("unit", ""), found.get("cohort", "")
        problem = _row_problem(number, name, unit, cohort, first_row_of)
        if problem:
            problems.append(problem)
            continue
        first_row_of[name] = number
        staff.append(StaffRow(number, name, unit, cohort or None))
    if not columns:
        raise StaffListError("empty")
    return StaffList(tuple(staff), tuple(problems), tuple(ignored))


def _row_problem(number: int, name: str, unit: str, cohort: str, first_row_of: dict[str, int]) -> RowProblem | None:
    if not name:
        return RowProblem(number, "no_name")
    if any(_has_control_characters(text) for text in (name, unit, cohort)):
        return RowProblem(number, "control_characters")
    if len(name) > NAME_MAX_LENGTH:
        return RowProblem(number, "name_too_long", {"maximum": NAME_MAX_LENGTH})
    if len(unit) > TEXT_MAX_LENGTH or len(cohort) > TEXT_MAX_LENGTH:
        return RowProblem(number, "text_too_long", {"maximum": TEXT_MAX_LENGTH})
    if name in first_row_of:
        return RowProblem(number, "duplicate_in_file", {"name": name, "first_row": first_row_of[name]})
    return None


def import_staff(trainer: Trainer, staff: StaffList, source: str, cohort: str | None = None) -> ImportResult:
    """Add everyone not yet on the records, in one transaction with its audit entry.

    ``cohort`` is the cohort of rows that name none. A list with problems imports nothing.
    """
    if staff.problems:
        raise RecordsError("import_has_problems", count=len(staff.problems))
    cohort = (cohort or "").strip() or None
    added: list[StaffRow] = []
    already: list[StaffRow] = []
    db = trainer.db
    with write_transaction(db):
        for row in staff.rows:
            if db.execute("SELECT 1 FROM trainees WHERE name = ?", [row.name]).fetchone():
                already.append(row)
                continue
            row = StaffRow(row.row, row.name, row.unit, row.cohort or cohort)
            trainer.insert_trainee(row.name, row.unit, row.cohort)
            added.append(row)
        if added:
            trainer.audit("staff_imported", file=source, cohort=cohort, added=[row.name for row in added],
                          already_there=[row.name for row in already])
    return ImportResult(tuple(added), tuple(already))
