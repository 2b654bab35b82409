"""The readiness board for other programs: JSON (coded), CSV and XLSX (worded tables).

The interface words the table (headings and cells in its language) and hands it over as
a ``Table``; this module only writes files, so it never needs the interface's text.
CSV files start with a UTF-8 byte-order mark, without which Excel and WPS show Chinese
as mojibake; the XLSX is written by XlsxWriter, a real Office Open XML workbook.
Names and reasons are typed by people: no cell may turn into a formula or a link that a
spreadsheet program would run (CSV cells starting with ``= + - @`` get an apostrophe).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence


from scoring.readiness import Readiness

Cell = str | int | float | datetime.date | None

# Fill colours of the status cell, by readiness status.
STATUS_COLOURS = {"cleared": "#C6EFCE", "expired": "#FFEB9C", "not_yet": "#FFC7CE"}


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    statuses: Sequence[str] = field(default_factory=tuple)  # one per row, to colour the status column
    status_column: int | None = None


def board_json(board: list[Readiness], today: datetime.date) -> str:
    """The board as coded JSON: statuses and reason codes, for scripts rather than people."""
    return json.dumps({"date": today.isoformat(), "trainees": [entry.as_dict() for entry in board]},
                      ensure_ascii=False, indent=1, sort_keys=True)


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_inert(cell) for cell in row] for row in table.rows)
    return buffer.getvalue()


def write_csv(table: Table, path: Path) -> None:
    _write_atomically(path, lambda temporary: temporary.write_text("\ufeff" + csv_text(table), encoding="utf-8", newline=""))


def write_xlsx(table: Table, path: Path) -> None:
    """One worksheet: bold frozen headings, a filter, dates as dates, statuses coloured."""
    _write_atomically(path, lambda temporary: _xlsx(table, temporary))


def _xlsx(table: Table, path: Path) -> None:
    import xlsxwriter  # only the spreadsheet export needs it; it slows every start-up otherwise

    # Strings stay strings: by default XlsxWriter writes "=…" as a live formula and "http…" as a link.
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        sheet = workbook.add_worksheet(_sheet_name(table.title))
        heading = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"})
        plain = workbook.add_format({"text_wrap": True, "valign": "top"})
        dated = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        coloured = {status: workbook.add_format({"bg_color": colour, "valign": "top"}) for status, colour in STATUS_COLOURS.items()}
        sheet.write_row(0, 0, table.columns, heading)
        for number, row in enumerate(table.rows, start=1):
            status = table.statuses[number - 1] if table.statuses else None
            for column, cell in enumerate(row):
                if isinstance(cell, datetime.date):
                    sheet.write_datetime(number, column, datetime.datetime.combine(cell, datetime.time()), dated)
                elif cell is None:
                    sheet.write_blank(number, column, None, plain)
                else:
                    style = coloured.get(status, plain) if column == table.status_column else plain
                    sheet.write(number, column, cell, style)
        for column, title in enumerate(table.columns):
            longest = max([display_width(title)] + [display_width(_plain(row[column])) for row in table.rows])
            sheet.set_column(column, column, min(60, longest + 2))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(table.rows)), len(table.columns) - 1)
    finally:
        workbook.close()


def _write_atomically(path: Path, write) -> None:
    # Into a temporary file beside the target, then renamed: a failure never leaves half a file.
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _plain(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def _inert(cell: Cell) -> str:
    """A CSV cell as text that Excel and WPS show rather than run as a formula."""
    text = _plain(cell)
    return "'" + text if isinstance(cell, str) and text[:1] in ("=", "+", "-", "@") else text


def display_width(text: str) -> int:
    """Columns the longest line of a text takes on screen or in a sheet: Chinese characters are two wide."""
    longest_line = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in longest_line)


def _sheet_name(title: str) -> str:
    # Excel refuses sheet names over 31 characters or holding any of []:*?/\
    cleaned = "".join(" " if character in "[]:*?/\\" else character for character in title).strip()
    return (cleaned or "Sheet1")[:31]
