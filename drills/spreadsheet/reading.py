"""Reading a CSV (UTF-8 or GBK) or .xlsx file into rows, and cleaning what is in the cells.

The file is untrusted input: size, zip and row limits hold before parsing, and whatever
cannot be read is a finding, never a traceback.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from drills.spreadsheet.findings import Finding, SpreadsheetError, finding
from drills.spreadsheet.vocabulary import COLUMNS, REQUIRED_COLUMNS, _key

MAX_FILE_BYTES = 5_000_000  # a plan of a few hundred rows is tens of kilobytes
MAX_UNPACKED_BYTES = 50_000_000  # an .xlsx is a zip: refuse zip bombs before parsing
MAX_ROWS = 2_000
MAX_COLUMNS = 60
HEADER_SCAN = 20  # title rows above the header are allowed


# ── Reading a file into rows ──────────────────────────────────────────────────────────

class _Formula:
    """A formula cell whose value was never saved (a workbook written by a program, not by Excel)."""

    def __repr__(self) -> str:
        return "<formula>"


FORMULA = _Formula()
Rows = list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, cells)
SIDE_SHEETS = {_key(name): side for side, names in (("drill", "drill|演练"), ("variables", "variables|变量"),
                                                   ("people", "people|人员")) for name in names.split("|")}


@dataclass
class Table:
    """What a file holds: the plan's rows, side sheets of an exported workbook, and how it was read."""

    rows: Rows
    encoding: str | None = None  # how a CSV was decoded; None for a workbook
    sheet: str | None = None  # the plan's worksheet
    sides: dict[str, Rows] = field(default_factory=dict)  # an exported workbook's drill, variables, people
    findings: list[Finding] = field(default_factory=list)


def read_table(path: Path) -> Table:
    """A CSV (UTF-8 or GBK) or .xlsx file as rows; ``SpreadsheetError`` says why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SpreadsheetError([finding("too_big", size=f"{size / 1e6:.1f}", limit=MAX_FILE_BYTES // 1_000_000)])
        raw = path.read_bytes()
    except OSError as error:
        raise SpreadsheetError([finding("unreadable", reason=error.strerror or str(error))]) from None
    if not raw.strip():
        raise SpreadsheetError([finding("empty")])
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError([finding("old_xls")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise SpreadsheetError([finding("bad_xlsx", reason="not a zip archive")])
    return _read_csv(raw)


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = [(raw[3:], "utf-8", "UTF-8 (BOM)")]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        candidates = [(raw, "utf-16", "UTF-16")]
    elif b"\x00" in raw:
        raise SpreadsheetError([finding("binary")])
    else:  # Excel on Chinese Windows saves CSV in GBK; GB18030 is its superset
        candidates = [(raw, "utf-8", "UTF-8"), (raw, "gb18030", "GB18030 (GBK)")]
    for data, codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        junk = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
        if junk > max(8, len(text) // 100):
            raise SpreadsheetError([finding("binary")])
        return text, name
    raise SpreadsheetError([finding("encoding")])


def _read_csv(raw: bytes) -> Table:
    text, encoding = _decode(raw)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(("\t", ";", ","), key=lambda mark: (first.count(mark), mark == ","))
    table = Table([], encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + HEADER_SCAN:
                table.findings.append(finding("too_many_rows", limit=MAX_ROWS))
                break
            if any(cell.strip() for cell in cells):
                table.rows.append((number, cells[:MAX_COLUMNS]))
    except csv.Error as error:
        table.findings.append(finding("csv_error", number + 1, reason=str(error)))
    return table


def _read_xlsx(raw: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetError([finding("bad_xlsx", reason=str(error) or "damaged zip")]) from None
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES or len(entries) > 5_000:
        raise SpreadsheetError([finding("unpacked_too_big", limit=MAX_UNPACKED_BYTES // 1_000_000)])
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError([finding("bad_xlsx", reason="no Excel workbook inside")])
    import openpyxl  # only imports need it; loaded here to keep every other command's start fast

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
            values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file; all mean "unreadable"
        raise SpreadsheetError([finding("bad_xlsx", reason=f"{type(error).__name__}: {error}"[:200])]) from None
    table = Table([])
    for name in values.sheetnames:
        rows, findings = _sheet_rows(values[name], formulas[name])
        side = SIDE_SHEETS.get(_key(name))
        if side:
            table.sides[side] = rows
        elif table.sheet is None and find_header(rows) is not None:
            table.rows, table.sheet = rows, name
            table.findings.extend(findings)
    if table.sheet is None:  # no header anywhere: hand over the first sheet to say so
        first = next((name for name in values.sheetnames if not SIDE_SHEETS.get(_key(name))), values.sheetnames[0])
        table.rows, table.sheet = _sheet_rows(values[first], formulas[first])[0], first
    return table


def _sheet_rows(sheet, formula_sheet) -> tuple[Rows, list[Finding]]:
    """Cell values by row; merged cells repeat their value over the whole range, as they look."""
    last_row = min(sheet.max_row, MAX_ROWS + HEADER_SCAN)
    last_column = min(sheet.max_column, MAX_COLUMNS)
    merged: dict[tuple[int, int], object] = {}
    for cells in getattr(sheet, "merged_cells", None) or []:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, min(cells.max_row, last_row) + 1):
            for column in range(cells.min_col, min(cells.max_col, last_column) + 1):
                merged[(row, column)] = value
    rows: Rows = []
    pairs = zip(sheet.iter_rows(max_row=last_row, max_col=last_column, values_only=True),
                formula_sheet.iter_rows(max_row=last_row, max_col=last_column, values_only=True))
    for number, (values, formulas) in enumerate(pairs, start=1):
        cells = list(values)
        for index, (value, formula) in enumerate(zip(values, formulas)):
            if (number, index + 1) in merged:
                cells[index] = merged[(number, index + 1)]
            elif value is None and formula is not None and not isinstance(formula, (int, float, datetime.date)):
                cells[index] = FORMULA  # "=A1+1" (or an array formula) with no cached value
        if any(_text(cell) or cell is FORMULA for cell in cells):
            rows.append((number, cells))
    findings = [finding("too_many_rows", limit=MAX_ROWS)] if sheet.max_row > last_row else []
    return rows, findings


# ── Cells ─────────────────────────────────────────────────────────────────────────────

_INVISIBLE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _text(value: object) -> str:
    """A cell as clean text: no control or direction characters, a CSV formula guard undone."""
    if value is None or value is FORMULA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.time()
    if isinstance(value, datetime.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    text = _INVISIBLE.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = text.replace("\u00a0", " ").replace("\u3000", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # written by write_table so that Excel shows it as text
    return text


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 3)


_CLOCK_TEXT = re.compile(r"^(\d{1,2})(?::|点|时)(\d{1,2})(?::\d{2}|分)?$")
_MINUTES_TEXT = re.compile(r"^(?:第|t\+|\+)?\s*(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minutes?|m|小时|h|hours?)?$", re.I)


def parse_time(value: object) -> float | int | str | None:
    """Minutes after the start (a number) or a time of day ``HH:MM``; None if it is neither."""
    if isinstance(value, datetime.datetime):
        value = value.time()
    if isinstance(value, datetime.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, datetime.timedelta):  # a duration cell: minutes after the start
        value = value.total_seconds() / 60
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value) if math.isfinite(value) and 0 <= value <= 24 * 60 else None
    text = unicodedata.normalize("NFKC", _text(value))
    clock = _CLOCK_TEXT.match(text)
    if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
        return f"{int(clock[1]):02d}:{int(clock[2]):02d}"
    minutes = _MINUTES_TEXT.match(text)
    if minutes:
        value = float(minutes[1]) * (60 if (minutes[2] or "").lower() in ("小时", "h", "hour", "hours") else 1)
        return _number(value) if value <= 24 * 60 else None
    return None


def _column_of(cell: object) -> str | None:
    text = re.sub(r"[（(].*?[）)]|[*＊:：]", "", _text(cell))  # "时间（分钟）*" names the time column
    return COLUMNS.find(text) if text else None


def find_header(rows: Rows) -> tuple[int, dict[int, str]] | None:
    """The first row (among the top few) naming at least the time and channel columns."""
    for index, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        columns: dict[int, str] = {}
        for position, cell in enumerate(cells):
            name = _column_of(cell)
            if name and name not in columns.values():
                columns[position] = name
        if all(name in columns.values() for name in REQUIRED_COLUMNS):
            return index, columns
    return None


def _split_list(text: str) -> list[str]:
    return [part for part in re.split(r"[,，、;；/\s]+", text) if part]
