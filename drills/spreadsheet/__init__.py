"""Drill plans as spreadsheets: a trainer's rows (one per event) to a drill file, and back.

A plan has one row per expectation: time, channel, from, content, expected action,
deadline, rule, and optional columns (points, severity, target, question, …). The
inject's own cells (time, channel, from, content …) are written on its first row; a
row whose inject cells are blank, or repeat the row above (merged cells), belongs to
the same inject. Headers and values may be Chinese or English.

Everything here is plain data: ``read_table`` turns a CSV or .xlsx file into rows
(untrusted input: never an exception, always findings), ``import_plan`` turns rows
into drill-file YAML that ``scenario check`` accepts, ``export_rows`` and
``write_table`` write a drill back. Messages are codes with English text; the command
line translates them.

The modules, in the order a plan goes through them:

- ``findings``: the message codes, ``Finding`` and ``SpreadsheetError``;
- ``vocabulary``: column, channel, action … names in Chinese and English;
- ``reading``: files to rows (encodings, limits, merged and formula cells) and clean cell text;
- ``guessing``: ids, people, roles and variable kinds guessed from a cell's words;
- ``building`` and ``expectations``: rows to people, injects and expectations;
- ``drill_file``: those as a commented drill file that passes ``scenario check`` (``import_plan``);
- ``exporting``: a drill back to rows, CSV and .xlsx.
"""

from drills.spreadsheet.building import ImportOptions
from drills.spreadsheet.drill_file import ImportResult, import_plan
from drills.spreadsheet.exporting import export_rows, side_sheets, write_table
from drills.spreadsheet.findings import MESSAGES, Finding, SpreadsheetError
from drills.spreadsheet.guessing import guess_role, guess_variable
from drills.spreadsheet.reading import Table, find_header, parse_time, read_table
from drills.spreadsheet.vocabulary import ACTIONS, CHANNELS, COMPETENCY_OF_ACTION, RULE_OF_ACTION, parse_action

__all__ = [
    "ACTIONS", "CHANNELS", "COMPETENCY_OF_ACTION", "MESSAGES", "RULE_OF_ACTION", "Finding", "ImportOptions",
    "ImportResult", "SpreadsheetError", "Table", "export_rows", "find_header", "guess_role", "guess_variable",
    "import_plan", "parse_action", "parse_time", "read_table", "side_sheets", "write_table",
]
