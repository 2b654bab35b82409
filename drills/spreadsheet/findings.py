"""What reading and importing a plan have to say: findings (problems and notes) with message codes.

Messages are codes with English text; the command line translates them (``spreadsheet.<code>``
in ``tui/i18n``). A row that cannot be used is a finding and the rest is still imported;
``SpreadsheetError`` carries the findings when there is no plan to import at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

MESSAGES = {
    "too_big": "the file is {size} MB; a drill plan is at most {limit} MB",
    "unreadable": "cannot read the file: {reason}",
    "empty": "the file is empty",
    "binary": "this is a binary file, not a CSV or .xlsx spreadsheet",
    "old_xls": "this is an old .xls workbook (or an encrypted one): save it as .xlsx or CSV",
    "bad_xlsx": "this is not a readable .xlsx workbook ({reason})",
    "unpacked_too_big": "the workbook unpacks to more than {limit} MB; a drill plan is far smaller",
    "encoding": "the text is neither UTF-8 nor GBK/GB18030: save it as \"CSV UTF-8\"",
    "csv_error": "the CSV cannot be read from here on: {reason}",
    "no_header": "no header row: the first rows must name the columns, e.g. 时间/time and 渠道/channel",
    "missing_column": "no {column} column; every plan needs one",
    "too_many_rows": "more than {limit} rows; only the first {limit} were read",
    "no_rows": "there are no rows under the header",
    "unknown_column": "column {column!r} is not one DutyDrill knows; it was ignored",
    "formula": "column {column} holds a formula whose value was never saved; type the value in",
    "no_time": "no time: give minutes after the start (12) or a time of day (02:13)",
    "bad_time": "time {value!r} is neither minutes (12, 12.5) nor a time of day (02:13)",
    "delay_not_clock": "with a trigger the time is a delay in minutes, not {value!r}",
    "no_channel": "no channel: phone, fax, telegram, visitor, message, instruction or spot check",
    "bad_channel": "unknown channel {value!r}: use phone, fax, telegram, visitor, message, instruction or "
                   "spot check (or 电话, 传真, 电报, 来访, 消息, 领导批示, 电话抽查)",
    "bad_trigger": "trigger {value!r} is not \"missed: <expectation id>\" or \"action: <action>; inject: <inject id>\"",
    "no_inject": "an expected action with no inject above it: fill in the time and channel",
    "inject_skipped": "left out with its inject (row {inject_row})",
    "no_action": "this row has {column} but no expected action",
    "bad_action": "unknown expected action {value!r}, e.g. answer, register, verify, escalate, initial "
                  "report (or 接听, 登记, 核实, 请示汇报, 初报)",
    "bad_deadline": "unknown time limit {value!r}: use a name from the policy, e.g. answer_phone or log_entry",
    "ambiguous_deadline": "{value} matches several time limits ({names}): write the name",
    "bad_anchor": "deadline start {value!r} is not \"met: <expectation id>\" or \"change: <fact id>\"",
    "bad_rule": "the rulebook has no section {value!r}; look one up with: dutydrill kb search",
    "no_rule": "no rule given and none fits {action} by default: write a rulebook section id",
    "bad_value": "{column} {value!r} is not one of: {allowed}",
    "bad_points": "points {value!r} is not a whole number from 0 to 100",
    "bad_id": "{value!r} cannot be an id: use lower-case letters, digits and _ . -",
    "duplicate_id": "id {value!r} is used twice",
    "invalid": "{where}: {reason}",
    "nothing_usable": "no row could be used: nothing was written",
    # notes: the row was used, with something filled in for the trainer to review
    "default_rule": "no rule given: used {rule}",
    "default_stage": "a report with no stage: taken as an initial report",
    "default_person": "added {name} ({role}) to the directory: edit them in the drill file",
    "guessed_variables": "declared {names} with kinds guessed from their names: check them",
    "deadline_from_minutes": "{value} taken as the time limit {name}",
}
NOTES = {"unknown_column", "default_rule", "default_stage", "default_person", "guessed_variables",
         "deadline_from_minutes"}


@dataclass(frozen=True)
class Finding:
    """A problem (something was left out) or a note (something was filled in), at a row if known."""

    code: str
    row: int | None = None
    values: tuple[tuple[str, object], ...] = ()
    sheet: str | None = None

    @property
    def skipped(self) -> bool:
        return self.code not in NOTES

    def message(self) -> str:
        return MESSAGES[self.code].format(**dict(self.values))

    def where(self, path: str) -> str:
        place = f"{path}:{self.sheet}" if self.sheet else path
        return f"{place}:row {self.row}" if self.row is not None else place

    def __str__(self) -> str:
        return f"{self.where('')}: {self.message()}".lstrip(":")


def finding(code: str, row: int | None = None, sheet: str | None = None, **values: object) -> Finding:
    return Finding(code, row, tuple(values.items()), sheet)


class SpreadsheetError(Exception):
    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(str(item) for item in findings))
        self.findings = findings


def _where(error: ValidationError) -> str:
    first = error.errors()[0]
    names = {"opening": "content", "body": "content", "at": "time", "source": "from"}
    return ".".join(names.get(str(part), str(part)) for part in first["loc"]) or "row"


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return error.errors()[0]["msg"].removeprefix("Value error, ")
    return str(error)
