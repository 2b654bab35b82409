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
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import math
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from drills.checks import check_scenario
from drills.loader import DrillFileLoader, LoadedFile
from drills.policy import Policy
from drills.scenario import (DOCUMENT_CHANNELS, Competency, Expectation, Inject,
                             Person, Role, Scenario, Variable)
from drills.variables import PLACEHOLDER

MAX_FILE_BYTES = 5_000_000  # a plan of a few hundred rows is tens of kilobytes
MAX_UNPACKED_BYTES = 50_000_000  # an .xlsx is a zip: refuse zip bombs before parsing
MAX_ROWS = 2_000
MAX_COLUMNS = 60
HEADER_SCAN = 20  # title rows above the header are allowed

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


# ── Vocabulary: value → "Chinese aliases", "English aliases"; the first of each is written out ──

def _key(text: str) -> str:
    """Loose form for matching names: full-width folded, case-folded, no spaces or separators."""
    return re.sub(r"[\s_\-·.。/'\"“”‘’]+", "", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, tuple[str, str]]  # value → (zh label, en label)
    lookup: dict[str, str]

    @classmethod
    def of(cls, table: dict[str, tuple[str, str]]) -> Vocabulary:
        lookup: dict[str, str] = {}
        for value, (zh, en) in table.items():
            for alias in [value, *zh.split("|"), *en.split("|")]:
                lookup.setdefault(_key(alias), value)
        return cls({v: (zh.split("|")[0], en.split("|")[0]) for v, (zh, en) in table.items()}, lookup)

    def find(self, text: str) -> str | None:
        return self.lookup.get(_key(text))

    def label(self, value: str, language: str) -> str:
        return self.labels[value][0 if language == "zh" else 1]

    def choices(self) -> str:
        return ", ".join(f"{zh}/{en}" for zh, en in self.labels.values())


COLUMNS = Vocabulary.of({
    "time": ("时间|时刻|注入时间|发生时间|时间点|演练时间", "time|at|minute|minutes"),
    "channel": ("渠道|方式|形式|注入方式|类型|渠道类型", "channel|type|medium"),
    "from": ("来源|来电人|来电单位|发送方|来文单位|来访人|发起人|来自|来源单位", "from|source|caller|sender"),
    "content": ("内容|注入内容|事件内容|情况|正文|说的话|来电内容", "content|text|message|what happens"),
    "action": ("预期动作|期望动作|应做动作|标准动作|动作|期望|处置要求", "expected action|action|expectation|expected"),
    "deadline": ("时限|时限要求|期限|完成时限", "deadline|time limit|limit"),
    "rule": ("依据|规则|规定|依据条款|规则编号", "rule|rule id|basis"),
    "points": ("分值|分数|配分", "points|score|marks"),
    "severity": ("严重程度|程度|等级|严重性", "severity|grade"),
    "target": ("对象|目标|向谁|报告对象|核实对象", "target|to|whom"),
    "question": ("问题|询问内容|问什么", "question|ask about"),
    "stage": ("报告阶段|阶段", "stage|report stage"),
    "report_channel": ("报告方式|报送方式", "report channel|report by|via"),
    "elements": ("报告要素|要素", "elements|report elements"),
    "deadline_from": ("时限起算|起算|起算点", "deadline from|counted from|after"),
    "description": ("说明|备注|要点|评分说明", "description|note|notes|comment"),
    "competency": ("能力|考核能力", "competency|skill"),
    "trigger": ("触发条件|触发|条件", "trigger|when|if"),
    "summary": ("摘要|标题|事由", "summary|title|subject"),
    "inject_id": ("注入编号|编号|事件编号", "inject id|inject|id"),
    "expectation_id": ("期望编号|动作编号", "expectation id"),
})
REQUIRED_COLUMNS = ("time", "channel")
INJECT_COLUMNS = ("inject_id", "time", "trigger", "channel", "from", "summary", "content")
EXPECTATION_COLUMNS = ("action", "target", "question", "stage", "report_channel", "elements", "deadline",
                       "deadline_from", "points", "severity", "competency", "rule", "description", "expectation_id")
EXPORT_COLUMNS = ("time", "channel", "from", "content", "action", "deadline", "rule", "points", "severity", "target",
                  "question", "stage", "report_channel", "elements", "deadline_from", "description", "competency",
                  "trigger", "summary", "inject_id", "expectation_id")
CHANNELS = Vocabulary.of({
    "phone": ("电话|来电|电话报告", "phone|call|telephone"),
    "fax": ("传真|传真件", "fax"),
    "telegram": ("电报|明电|密电", "telegram|cable"),
    "visitor": ("来访|上访|来人|信访", "visitor|visit|walk in"),
    "message": ("消息|短信|信息|微信|通知", "message|sms|text message"),
    "instruction": ("领导批示|批示|指示", "instruction|leader instruction|leader's instruction"),
    "spot_check": ("电话抽查|抽查|查岗", "spot check|spot-check call|inspection call"),
})
ACTIONS = Vocabulary.of({
    "answer": ("接听|接电话|接听电话", "answer|answer the phone|pick up"),
    "greet": ("自报单位|问候|报单位|自报家门", "greet|name the unit"),
    "ask": ("询问|问|询问情况", "ask"),
    "log": ("值班记录|记录|做记录|填写值班记录", "log|write the log|record"),
    "verify": ("核实|回拨核实|核实情况|核查", "verify|call back|check"),
    "escalate": ("请示汇报|请示|汇报|报告领导|报告带班领导", "escalate|tell the leader"),
    "report": ("报告|上报|报送|报告上级", "report|report upward"),
    "relay": ("传达|转达|传达批示|转办", "relay|pass on"),
    "track": ("催办|跟踪|督办|跟踪催办", "track|chase"),
    "feedback": ("反馈|反馈结果", "feedback|feed back|report back"),
    "register_document": ("文电登记|登记文电", "register document"),
    "sign_for_document": ("签收", "sign for document|sign for|sign"),
    "return_document": ("退回|退回补办", "return document|return"),
    "receive_visitor": ("接待|接待来访", "receive visitor|receive"),
    "refer_visitor": ("引导|引导至信访部门|转交信访部门", "refer visitor|refer"),
    "decline": ("婉拒|拒绝", "decline|refuse"),
    "disclose": ("透露|告知", "disclose|tell"),
    "handover": ("交班|交接班|交班记录", "handover|hand over"),
    "register": ("登记", "register"),  # a document's register on fax/telegram, else the duty log
})
QUESTIONS = Vocabulary.of({
    "who": ("来电人身份|身份|姓名|谁|对方身份|单位姓名", "who|name|identity"),
    "callback": ("回电号码|联系电话|电话号码|回电", "callback|callback number|phone number"),
    "time": ("时间|发生时间", "time|when"),
    "place": ("地点|位置|事发地点", "place|where|location"),
    "cause": ("原因|性质|原因性质", "cause|why"),
    "course": ("经过|事情经过", "course|what happened"),
    "consequences": ("伤亡损失|伤亡|损失|后果", "consequences|casualties|losses"),
    "scope": ("范围|影响范围", "scope"),
    "trend": ("趋势|发展趋势", "trend"),
    "actions": ("已采取措施|措施|处置情况", "actions|actions taken"),
    "needs": ("诉求|要求", "needs|what they want"),
    "who_else_told": ("还报告了谁|报告了谁", "who else told|who else"),
})
STAGES = Vocabulary.of({"initial": ("初报", "initial"), "follow_up": ("续报", "follow-up|follow up"),
                        "final": ("终报", "final"), "daily": ("每日报告|日报", "daily")})
REPORT_CHANNELS = Vocabulary.of({"phone": ("电话|口头", "phone|by phone"), "written": ("书面|传真|纸质", "written|in writing"),
                                 "secure": ("机要|保密", "secure")})
SEVERITIES = Vocabulary.of({"critical": ("严重|一票否决", "critical"), "major": ("较重|重要", "major"),
                            "minor": ("一般|轻微", "minor")})
COMPETENCIES = Vocabulary.of({
    "intake": ("接报登记", "intake"), "verification": ("情况核实", "verification"),
    "escalation": ("请示汇报", "escalation"), "reporting": ("信息报送", "reporting"),
    "documents": ("文电处理", "documents"), "reception": ("信访接待", "reception"),
    "handover": ("交接班", "handover"), "confidentiality": ("保密", "confidentiality"),
})
ELEMENTS = Vocabulary.of({
    "time": ("时间", "time"), "place": ("地点", "place"), "source": ("信息来源|来源", "source"),
    "cause": ("原因性质|原因|性质", "cause"), "course": ("经过", "course"),
    "consequences": ("后果|伤亡损失|伤亡", "consequences|casualties"), "scope": ("范围", "scope"),
    "trend": ("趋势", "trend"), "actions": ("已采取措施|处置情况", "actions|actions taken"),
    "measures": ("拟采取措施|下步措施", "measures|planned measures"), "suggestions": ("建议", "suggestions"),
})
ROLES = Vocabulary.of({
    "shift_leader": ("带班领导|带班副主任", "shift leader"),
    "office_director": ("办公室主任", "office director"),
    "leader_in_charge": ("主管领导|分管领导", "leader in charge"),
    "principal_leader": ("主要领导", "principal leader"),
    "duty_colleague": ("值班同事", "duty colleague"),
    "upper_duty_office": ("上级值班室", "upper duty office|upper-level duty room"),
    "unit": ("有关单位", "unit"),
    "petition_office": ("信访部门", "petition office|petitions office"),
    "caller": ("来电人", "caller"), "visitor": ("来访人", "visitor"),
    "inspector": ("抽查人员", "inspector"), "other": ("其他", "other"),
})
TRIGGER_KEYS = Vocabulary.of({"missed": ("未完成|超时未做|漏做", "missed"), "action": ("动作|做了", "action"),
                              "inject": ("注入|关于", "inject|about"), "target": ("对象", "target"),
                              "met": ("完成", "met"), "change": ("变化", "change")})
_AVOID = re.compile(r"^\s*(不得|禁止|严禁|不要|不能|切勿|avoid|never|do not|don't|must not)\s*[:：]?\s*", re.I)

# What a row's expectation counts towards when no competency is given (mirrors the scorecard's).
COMPETENCY_OF_ACTION = {
    "answer": "intake", "greet": "intake", "ask": "intake", "log": "intake", "verify": "verification",
    "escalate": "escalation", "relay": "escalation", "track": "escalation", "feedback": "escalation",
    "report": "reporting", "register_document": "documents", "sign_for_document": "documents",
    "return_document": "documents", "receive_visitor": "reception", "refer_visitor": "reception",
    "decline": "confidentiality", "disclose": "confidentiality", "handover": "handover",
}
# The rulebook section an expectation cites when the row gives none and has no deadline.
RULE_OF_ACTION = {
    "answer": "duty.phone", "greet": "duty.phone", "ask": "duty.log", "log": "duty.log",
    "verify": "duty.verification", "escalate": "duty.escalation", "report": "report.time-limits",
    "relay": "instructions.relay", "track": "instructions.tracking", "feedback": "instructions.feedback",
    "register_document": "documents.registration", "sign_for_document": "documents.receipt",
    "return_document": "documents.seal-check", "receive_visitor": "petition.reception",
    "refer_visitor": "petition.referral", "decline": "secrecy.callers", "disclose": "secrecy.callers",
    "handover": "handover.contents",
}
DEFAULT_POINTS = {"critical": 10, "major": 6, "minor": 3}


# ── Reading a file into rows ──────────────────────────────────────────────────────────

class _Formula:
    """A formula cell whose value was never saved (a workbook written by a program, not by Excel)."""

    def __repr__(self) -> str:
        return "<formula>"


FORMULA = _Formula()
Rows = list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, cells)
SIDE_SHEETS = {_key(name): side for side, names in (("drill", "drill|演练"), ("variables", "variables|变量"),
                                                   ("people", "people|人员")) for name in names.split("|")}
PEOPLE_COLUMNS = ("id", "name", "title", "unit", "phone", "role", "on_duty", "reachable", "reachable_after", "notes")


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
        text = text[1:]  # written by export_rows so that Excel shows it as text
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


# ── Values in cells ───────────────────────────────────────────────────────────────────

def parse_action(text: str, channel: str | None) -> tuple[str, dict[str, str], bool] | None:
    """``(action, implied fields, avoid)`` for 接听 / answer, 不得透露, 电话初报, ask place …"""
    text = unicodedata.normalize("NFKC", text).strip()
    avoid = _AVOID.match(text)
    if avoid:
        text = text[avoid.end():]
    action, extras = ACTIONS.find(text), {}
    if action is None:
        action, extras = _compound_action(text)
    if action is None:
        return None
    if action == "register":
        action = "register_document" if channel in ("fax", "telegram") else "log"
    return action, extras, bool(avoid)


def _compound_action(text: str) -> tuple[str | None, dict[str, str]]:
    report = re.fullmatch(r"(电话|书面|机要)?(初报|续报|终报|每日报告|日报|报告|上报)", text)
    if report and (report[1] or report[2] not in ("报告", "上报")):
        extras = {"channel": REPORT_CHANNELS.find(report[1])} if report[1] else {}
        if report[2] not in ("报告", "上报"):
            extras["stage"] = STAGES.find(report[2])
        return "report", extras
    words = re.findall(r"[a-z]+", text.lower().replace("follow-up", "followup").replace("follow up", "followup"))
    if "report" in words and set(words) <= {"report", "initial", "followup", "final", "daily", "phone", "written",
                                             "secure", "by", "in", "writing", "a", "an", "the"}:
        extras = {}
        for word in words:
            if STAGES.find(word):
                extras["stage"] = STAGES.find(word)
            if word in ("phone", "written", "secure"):
                extras["channel"] = word
        return "report", extras
    ask = re.fullmatch(r"(?:询问|问|ask(?:\s+about)?)\s*(.+)", text, re.I)
    if ask and QUESTIONS.find(ask[1]):
        return "ask", {"question": QUESTIONS.find(ask[1])}
    return None, {}


def _split_list(text: str) -> list[str]:
    return [part for part in re.split(r"[,，、;；/\s]+", text) if part]


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKC", text).lower()).strip("_")[:limit].strip("_")


def _is_id(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", text)) and len(text) <= 80


def _person_parts(text: str) -> tuple[str, str]:
    """``张三（镇党委值班员）`` → name and title; a cell with no brackets is all name."""
    match = re.fullmatch(r"(.*?)\s*[（(](.*)[）)]\s*", text, re.S)
    if not match:
        return text, ""
    name, title = match[1].strip(), match[2].strip()
    return (name or title), (title if name else "")


_OUTSIDE = re.compile(r"镇|乡|街道|村|局|队|公司|学校|医院|矿|township|village|bureau|police|company|school|hospital|mine", re.I)
_ROLE_HINTS = (  # the first that matches; the ladder roles only for people of the trainee's own office
    ("upper_duty_office", r"[市省州]委?(政府)?(总)?值班室|上级值班室|upper.*duty|(city|provincial|province)\b.*duty (room|office)"),
    ("petition_office", r"信访|petition"),
    ("inspector", r"督查|抽查|查岗|检查组|inspector|spot.?check"),
    ("caller", r"记者|reporter|journalist"),
    ("shift_leader", r"带班|shift leader|on shift"),
    ("office_director", r"办公室主任|办主任|office director|director of the .*office"),
    ("leader_in_charge", r"分管|主管领导|副县长|副书记|in charge|deputy county head|responsible for"),
    ("principal_leader", r"主要领导|县委书记|县长|市长|party secretary|county head|mayor"),
)
_LADDER = {"shift_leader", "office_director", "leader_in_charge", "principal_leader"}
_ROLE_OF_CHANNEL = {"phone": "caller", "spot_check": "inspector", "visitor": "visitor", "fax": "unit",
                    "telegram": "unit", "message": "unit", "instruction": "other", None: "unit"}


def guess_role(text: str, channel: str | None) -> str:
    for role, pattern in _ROLE_HINTS:
        if re.search(pattern, text, re.I) and not (role in _LADDER and _OUTSIDE.search(text)):
            return role
    return _ROLE_OF_CHANNEL.get(channel, "unit")


DEFAULT_PEOPLE = {  # role → titles (zh, en) of the person added when the plan names nobody with it
    "shift_leader": ("县委办副主任（今日带班）", "Deputy office director (shift leader today)"),
    "office_director": ("县委办主任", "Office director"),
    "leader_in_charge": ("分管副书记", "Deputy Party secretary in charge"),
    "principal_leader": ("县委书记", "Party secretary"),
    "upper_duty_office": ("市委值班室值班员", "Duty officer, city committee duty room"),
    "petition_office": ("县信访局接待人员", "Reception officer, county petitions bureau"),
    "unit": ("有关单位联系人", "Contact at the unit concerned"),
    "duty_colleague": ("值班同事", "Colleague on duty"),
    "caller": ("来电人", "Caller"), "visitor": ("来访人", "Visitor"),
    "inspector": ("上级抽查人员", "Inspector"), "other": ("联系人", "Contact"),
}


def guess_variable(name: str) -> dict:
    """A declaration for ``{name}`` from the name alone: ``caller_phone`` is a phone, ``village2`` a village."""
    base = name.rstrip("0123456789").rstrip("_") or name
    kinds = {"name", "male_name", "female_name", "surname", "phone", "mobile", "village", "township", "county",
             "company", "mine", "school", "plate"}
    for kind in sorted(kinds, key=len, reverse=True):
        if base == kind or base.endswith("_" + kind):
            return {"kind": kind}
    if "phone" in base or "mobile" in base:
        return {"kind": "mobile"}
    if base.endswith("_line"):
        return {"kind": "number", "low": 2000000, "high": 8999999}
    if re.search(r"(^|_)(no|number|count|total)$|^(households|residents|trapped|dead|deaths|injured|missing|"
                 r"workers|visitors|crowd|rooms|day|hour|months|percent)$", base):
        return {"kind": "number", "low": 1, "high": 20}
    return {"kind": "name"}


# ── Rows to a drill ───────────────────────────────────────────────────────────────────

@dataclass
class ImportOptions:
    drill_id: str | None = None
    title: str | None = None
    language: str | None = None  # "zh" or "en"; None: Chinese if the plan has Chinese in it
    start: str | None = None  # "HH:MM"; None: from the plan's earliest time of day
    name: str = "plan"  # the file's name without suffix: the default title and id


@dataclass
class ImportResult:
    text: str | None  # the drill file, or None when no row could be used
    scenario: Scenario | None
    findings: list[Finding]

    @property
    def skipped(self) -> bool:
        return any(item.skipped for item in self.findings)


@dataclass
class _Item:
    row: int
    data: dict
    notes: list[str] = field(default_factory=list)  # what was filled in, said in a comment


@dataclass
class _Group:
    """The inject the rows are currently filling in (``item`` None: it could not be used)."""

    row: int
    cells: dict[str, str]
    item: _Item | None


class _Plan:
    def __init__(self, table: Table, options: ImportOptions, policy: Policy,
                 rule_ids: set[str] | None, rule_titles: dict[str, str]):
        self.table, self.options, self.policy = table, options, policy
        self.rule_ids, self.rule_titles = rule_ids, {_key(title): rule for title, rule in rule_titles.items()}
        self.findings: list[Finding] = list(table.findings)
        self.people: list[_Item] = []
        self.person_keys: dict[str, str] = {}
        self.variables: dict[str, dict] = {}
        self.guessed: set[str] = set()
        self.injects: list[_Item] = []
        self.expectations: list[_Item] = []
        self.settings: dict[str, tuple[object, int]] = {}  # from an exported workbook's "drill" sheet
        self.language = "zh"
        self.headers: dict[str, str] = {}
        self.title_row = ""

    def note(self, code: str, row: int | None = None, **values: object) -> None:
        self.findings.append(finding(code, row, **values))

    # rows → items

    def read(self) -> None:
        header = find_header(self.table.rows)
        if header is None:
            known = {_column_of(cell) for _, cells in self.table.rows[:HEADER_SCAN] for cell in cells} - {None}
            if not self.table.rows or not known:
                raise SpreadsheetError(self.findings + [finding("no_header")])
            missing = [finding("missing_column", column=f"{COLUMNS.label(n, 'zh')}/{COLUMNS.label(n, 'en')}")
                       for n in REQUIRED_COLUMNS if n not in known]
            raise SpreadsheetError(self.findings + (missing or [finding("no_header")]))  # not on one row
        index, columns = header
        number, cells = self.table.rows[index]
        self.headers = {name: _text(cells[position]) for position, name in columns.items()}
        for position, cell in enumerate(cells):
            if position not in columns and _text(cell):
                self.note("unknown_column", number, column=_text(cell))
        self.title_row = next((_text(c) for _, row in self.table.rows[:index] for c in row if _text(c)), "")
        body = self.table.rows[index + 1:]
        if not body:
            raise SpreadsheetError(self.findings + [finding("no_rows")])
        self._read_sides()
        sample = " ".join(_text(c) for _, row in self.table.rows for c in row)
        language = self.options.language or self._setting("language")
        self.language = language if language in ("zh", "en") else (
            "zh" if re.search(r"[\u4e00-\u9fff]", sample) else "en")
        group: _Group | None = None
        for number, cells in body:
            row = {name: cells[position] if position < len(cells) else None for position, name in columns.items()}
            formulas = [name for name, value in row.items() if value is FORMULA]
            texts = {name: _text(value) for name, value in row.items()}
            given = {name: texts[name] for name in INJECT_COLUMNS if texts.get(name)}
            broken = [name for name in formulas if name in INJECT_COLUMNS]  # the inject cannot be made
            if broken or given and (group is None or any(group.cells.get(n) != v for n, v in given.items())):
                group = _Group(number, given, None if broken else self._inject(number, row, texts))
            if formulas:
                self.note("formula", number, column=", ".join(self.headers[name] for name in formulas))
                continue
            if not any(texts.get(name) for name in EXPECTATION_COLUMNS):
                continue
            if group is None:
                self.note("no_inject", number)
            elif group.item is None:
                if number != group.row:  # the inject's own row was reported already
                    self.note("inject_skipped", number, inject_row=group.row)
            else:
                self._expectation(number, texts, group.item)

    def _read_sides(self) -> None:
        for number, cells in self.table.sides.get("drill", [])[1:]:
            key = _text(cells[0]) if cells else ""
            if key and len(cells) > 1 and _text(cells[1]):
                self.settings[key] = (cells[1], number)
        for number, cells in self.table.sides.get("variables", [])[1:]:
            values = [_text(cell) for cell in cells] + [""] * 5
            name, kind, choices, low, high = values[:5]
            declared = {"kind": kind}
            if choices:
                declared["choices"] = [choice for choice in choices.split("\n") if choice.strip()]
            for key, value in (("low", low), ("high", high)):
                if value:
                    declared[key] = int(value) if re.fullmatch(r"-?\d+", value) else value
            try:
                if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                    raise ValueError(f"{name!r} is not a variable name")
                Variable.model_validate(declared)
            except (ValidationError, ValueError) as error:
                self.findings.append(finding("invalid", number, "variables", where=name or "?", reason=_reason(error)))
                continue
            self.variables[name] = declared
        for number, cells in self.table.sides.get("people", [])[1:]:
            values = dict(zip(PEOPLE_COLUMNS, cells))
            data = {key: _text(value) for key, value in values.items() if _text(value)}
            for key in ("on_duty", "reachable"):
                if key in data:
                    data[key] = _key(data[key]) in ("true", "yes", "y", "1", "是")
            if "reachable_after" in data:
                data["reachable_after"] = parse_time(values["reachable_after"]) or data["reachable_after"]
            try:
                Person.model_validate(data)
                if data["id"] in {p.data["id"] for p in self.people}:
                    raise ValueError(f"id {data['id']!r} is used twice")
            except (ValidationError, ValueError) as error:
                self.findings.append(finding("invalid", number, "people", where=data.get("id", "?"), reason=_reason(error)))
                continue
            self.people.append(_Item(number, data, ["people"]))
            for shown in (data["name"], f"{data['name']}（{data['title']}）" if data.get("title") else data["name"]):
                self.person_keys.setdefault(_key(shown), data["id"])

    def _setting(self, key: str) -> object:
        value = self.settings.get(key)
        return _text(value[0]) if value else None

    def _inject(self, number: int, row: dict, texts: dict) -> _Item | None:
        channel = CHANNELS.find(texts.get("channel", "")) if texts.get("channel") else None
        if channel is None:
            code = "bad_channel" if texts.get("channel") else "no_channel"
            self.note(code, number, value=texts.get("channel", ""))
            return None
        data: dict = {"id": None, "channel": channel}
        if texts.get("trigger"):
            trigger = self._trigger(texts["trigger"], number)
            delay = parse_time(row.get("time")) if texts.get("time") else 0
            if trigger is None:
                return None
            if delay is None or isinstance(delay, str):
                self.note("delay_not_clock", number, value=texts.get("time"))
                return None
            data["when"] = trigger
            if delay:
                data["delay"] = delay
        else:
            at = parse_time(row.get("time"))
            if at is None:
                self.note("bad_time" if texts.get("time") else "no_time", number, value=texts.get("time", ""))
                return None
            data["at"] = at
        content = texts.get("content", "")
        source = self._person(texts.get("from", ""), number, channel)
        data["source"] = source
        data["summary"] = texts.get("summary") or self._summary(channel, source, content)
        if channel in DOCUMENT_CHANNELS:
            person = next(p.data for p in self.people if p.data["id"] == source)
            data["document"] = {"title": data["summary"], "sender_unit": person.get("unit") or person.get("title") or person["name"],
                                **({"telegram_kind": "cipher" if "密电" in texts["channel"] else "plain"} if channel == "telegram" else {}),
                                **({"body": content} if content else {})}
        elif content:
            data["opening"] = content
        data["id"] = self._new_id(texts.get("inject_id", ""), f"{channel}_{len(self.injects) + 1}",
                                  {i.data["id"] for i in self.injects}, number)
        if data["id"] is None:
            return None
        try:
            Inject.model_validate({**data, "id": data["id"]})
        except ValidationError as error:
            self.note("invalid", number, where=_where(error), reason=_reason(error))
            return None
        item = _Item(number, data)
        self.injects.append(item)
        return item

    def _new_id(self, given: str, fallback: str, taken: set[str], number: int) -> str | None:
        if given:
            if not _is_id(given):
                self.note("bad_id", number, value=given)
                return None
            if given in taken:
                self.note("duplicate_id", number, value=given)
                return None
            return given
        candidate, count = fallback, 1
        while candidate in taken:
            count += 1
            candidate = f"{fallback}_{count}"
        return candidate

    def _summary(self, channel: str, source: str, content: str) -> str:
        person = next(p.data for p in self.people if p.data["id"] == source)
        who = person["name"]
        limit = 30 if self.language == "zh" else 70
        first = ""
        for sentence in re.split(r"(?<=[。！？!?；;])|\n|(?<=\.)\s", content):
            first += sentence.strip()
            if len(first) >= limit // 2:  # "县委值班室吗？" alone says nothing: take the next sentence too
                break
        first = first if len(first) <= limit else first[:limit].rstrip() + "…"
        if self.language == "zh":
            verb = {"phone": "来电", "spot_check": "电话抽查", "fax": "传真", "telegram": "电报", "visitor": "来访",
                    "message": "消息", "instruction": "批示"}[channel]
            return f"{who}{verb}：{first}" if first else f"{who}{verb}"
        noun = CHANNELS.label(channel, "en")
        return f"{noun.capitalize()} from {who}: {first}" if first else f"{noun.capitalize()} from {who}"

    def _trigger(self, text: str, number: int) -> dict | None:
        text = unicodedata.normalize("NFKC", text)
        parts = re.split(r"[;；\n]+", text) if re.search(r"[;；\n]", text) else re.split(r"[,，]+", text)
        trigger: dict = {}
        for part in filter(str.strip, parts):
            match = re.fullmatch(r"\s*([^\s:=]+)\s*(?::|=|\s)\s*(.+?)\s*", part)
            key = TRIGGER_KEYS.find(match[1]) if match else None
            if key == "action":
                action = parse_action(match[2], None)
                if action is None or action[2]:
                    key = None
                else:
                    trigger["action"] = action[0]
            elif key == "target":
                trigger["target"] = self._target(match[2], number)
            elif key in ("missed", "inject"):
                trigger[key] = match[2]
            if key not in ("missed", "action", "inject", "target"):
                self.note("bad_trigger", number, value=text)
                return None
        if ("missed" in trigger) == ("action" in trigger):
            self.note("bad_trigger", number, value=text)
            return None
        return trigger

    # people

    def _person(self, text: str, number: int | None, channel: str | None, role: str | None = None) -> str:
        """The id of the person a cell names, adding them to the directory the first time."""
        if not text:
            return self._default_person(_ROLE_OF_CHANNEL.get(channel, "unit"), number)
        named_role = ROLES.find(text)
        if named_role:
            return self._default_person(named_role, number)
        key = _key(text)
        name, title = _person_parts(text)
        if key in self.person_keys or (not title and _key(name) in self.person_keys):
            return self.person_keys.get(key) or self.person_keys[_key(name)]
        role = role or guess_role(text, channel)
        base = _slug(name) if re.search(r"[a-z]", _slug(name)) else _slug(title)
        if not base or base in {r.value for r in Role}:
            base = f"{base}_person" if base else f"person_{len(self.people) + 1}"
        person_id = self._new_id("", base, {p.data["id"] for p in self.people}, 0)
        data = {"id": person_id, "name": name[:2000], **({"title": title[:2000]} if title else {}), "role": role}
        if role == "shift_leader":
            data["on_duty"] = True
        self.people.append(_Item(number or 0, data, ["row"]))
        self.person_keys[key] = person_id
        self.person_keys.setdefault(_key(name), person_id)
        return person_id

    def _default_person(self, role: str, number: int | None) -> str:
        existing = next((p.data["id"] for p in self.people if p.data["role"] == role), None)
        if existing:
            return existing
        variable = role if role not in self.variables else f"{role}_default"
        self.variables.setdefault(variable, {"kind": "name"})
        zh, en = DEFAULT_PEOPLE[role]
        data = {"id": f"default_{role}", "name": f"{{{variable}}}", "title": zh if self.language == "zh" else en,
                "role": role, **({"on_duty": True} if role == "shift_leader" else {})}
        self.people.append(_Item(number or 0, data, []))
        self.note("default_person", None, name=data["title"], role=role)
        return data["id"]

    def _target(self, text: str, number: int) -> str:
        role = ROLES.find(text)
        if role:
            return role
        if text in {p.data["id"] for p in self.people}:
            return text
        return self._person(text, number, None, role=guess_role(text, None))

    # expectations

    def _expectation(self, number: int, texts: dict, inject: _Item) -> None:
        channel = inject.data["channel"]
        if not texts.get("action"):
            given = next(name for name in EXPECTATION_COLUMNS if texts.get(name))
            self.note("no_action", number, column=self.headers[given])
            return
        parsed = parse_action(texts["action"], channel)
        if parsed is None:
            self.note("bad_action", number, value=texts["action"])
            return
        action, implied, avoid = parsed
        data: dict = {"id": None, "inject": inject.data["id"], "action": action}
        notes: list[str] = []
        if avoid:
            data["avoid"] = True
        if texts.get("target"):
            data["target"] = self._target(texts["target"], number)
        for column, key, vocabulary in (("question", "question", QUESTIONS), ("stage", "stage", STAGES),
                                        ("report_channel", "channel", REPORT_CHANNELS)):
            value = vocabulary.find(texts[column]) if texts.get(column) else implied.get(key)
            if texts.get(column) and value is None:
                self.note("bad_value", number, column=self.headers[column], value=texts[column], allowed=vocabulary.choices())
                return
            if value:
                data[key] = value
        if action == "report" and "stage" not in data:
            data["stage"] = "initial"
            self.note("default_stage", number)
        if texts.get("elements"):
            elements = [ELEMENTS.find(part) for part in _split_list(texts["elements"])]
            if None in elements:
                self.note("bad_value", number, column=self.headers["elements"], value=texts["elements"], allowed=ELEMENTS.choices())
                return
            data["elements"] = list(dict.fromkeys(elements))
        severity = SEVERITIES.find(texts["severity"]) if texts.get("severity") else "minor"
        if severity is None:
            self.note("bad_value", number, column=self.headers["severity"], value=texts["severity"], allowed=SEVERITIES.choices())
            return
        if texts.get("deadline"):
            deadline = self._deadline(texts["deadline"], number, action, texts.get("rule", ""))
            if deadline is None:
                return
            anchor = self._anchor(texts.get("deadline_from", ""), number)
            if anchor is None:
                return
            data["deadline"] = deadline if anchor == "inject" else {"limit": deadline, "after": anchor}
        if texts.get("points"):
            points = texts["points"]
            if not re.fullmatch(r"\d+(\.0+)?", points) or float(points) > 100:
                self.note("bad_points", number, value=points)
                return
            data["points"] = int(float(points))
        else:
            data["points"] = DEFAULT_POINTS[severity]
            notes.append("points")
        data["severity"] = severity
        if texts.get("competency"):
            competency = COMPETENCIES.find(texts["competency"])
            if competency is None:
                self.note("bad_value", number, column=self.headers["competency"], value=texts["competency"], allowed=COMPETENCIES.choices())
                return
            data["competency"] = competency
        rule = self._rule(texts.get("rule", ""), number, action, data.get("deadline"))
        if rule is None:
            return
        if not texts.get("rule"):
            notes.append("rule")
        data["rule"] = rule
        if texts.get("description"):
            data["description"] = texts["description"]
        data["id"] = self._new_id(texts.get("expectation_id", ""), f"{inject.data['id']}_{action}",
                                  {e.data["id"] for e in self.expectations}, number)
        if data["id"] is None:
            return
        try:
            Expectation.model_validate(data)
        except ValidationError as error:
            self.note("invalid", number, where=_where(error), reason=_reason(error))
            return
        self.expectations.append(_Item(number, data, notes))

    def _deadline(self, text: str, number: int, action: str, rule: str) -> str | None:
        name = re.sub(r"[\s-]+", "_", unicodedata.normalize("NFKC", text).strip().casefold())
        if name in self.policy.limits:
            return name
        for limit_name, limit in self.policy.limits.items():
            if any(_key(part) == _key(text) for part in limit.label.split("/") if part.strip()):
                return limit_name
        when = parse_time(text)
        if when is None:
            self.note("bad_deadline", number, value=text)
            return None
        candidates = [n for n, limit in self.policy.limits.items()
                      if (limit.clock == when if isinstance(when, str) else limit.minutes == when)]
        preferred = {rule.strip(), RULE_OF_ACTION.get(action)}
        narrowed = [n for n in candidates if self.policy.limits[n].rule in preferred] or candidates
        if len(narrowed) == 1:
            self.note("deadline_from_minutes", number, value=text, name=narrowed[0])
            return narrowed[0]
        if narrowed:
            self.note("ambiguous_deadline", number, value=text, names=", ".join(narrowed))
        else:
            self.note("bad_deadline", number, value=text)
        return None

    def _anchor(self, text: str, number: int) -> str | None:
        text = unicodedata.normalize("NFKC", text).strip()
        if not text or _key(text) in ("inject", "注入", "送达", "注入送达"):
            return "inject"
        match = re.fullmatch(r"([^\s:=]+)\s*(?::|=|\s)\s*([a-z0-9][a-z0-9_.-]*)", text)
        kind = TRIGGER_KEYS.find(match[1]) if match else None
        if kind in ("met", "change"):
            return f"{kind}:{match[2]}"
        self.note("bad_anchor", number, value=text)
        return None

    def _rule(self, text: str, number: int, action: str, deadline: object) -> str | None:
        if text:
            candidate = unicodedata.normalize("NFKC", text).strip().lower()
            known = self.rule_ids is None and re.fullmatch(r"[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+", candidate)
            if known or (self.rule_ids and candidate in self.rule_ids):
                return candidate
            for part in [text, *re.split(r"[:：·/》>]+", text)[1:]]:  # "值班：电话接听" names 电话接听
                if _key(part) in self.rule_titles:
                    return self.rule_titles[_key(part)]
            self.note("bad_rule", number, value=text)
            return None
        limit = deadline if isinstance(deadline, str) else (deadline or {}).get("limit")
        rule = self.policy.limits[limit].rule if limit else RULE_OF_ACTION[action]
        if self.rule_ids is not None and rule not in self.rule_ids:
            self.note("no_rule", number, action=action)
            return None
        self.note("default_rule", number, rule=rule)
        return rule


def _where(error: ValidationError) -> str:
    first = error.errors()[0]
    names = {"opening": "content", "body": "content", "at": "time", "source": "from"}
    return ".".join(names.get(str(part), str(part)) for part in first["loc"]) or "row"


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return error.errors()[0]["msg"].removeprefix("Value error, ")
    return str(error)


# ── The drill file ────────────────────────────────────────────────────────────────────

COMMENTS = {
    "zh": {
        "made": "由 dutydrill scenario import 从电子表格“{source}”生成。",
        "edit": "注释里写着“默认”“请核对”的内容是程序补上的，请按实际修改；改完运行：dutydrill scenario check 本文件",
        "schema": "第一行让编辑器按 Schema 补全：把 dutydrill scenario schema 的输出存为本文件旁的 scenario.schema.json",
        "difficulty": "默认值，请核对", "competencies": "由各期望的动作推出",
"start": "演练开始时钟上的时刻：按表中最早的时刻推算",
        "start_default": "默认值：表中没有时刻，请核对", "length": "演练分钟数：覆盖最后一个注入和时限，另留余量",
        "speed": "流速：现实 1 秒 = 演练几秒", "unit": "默认值：学员所在单位（接电话自报单位时要说到），请改成本单位",
        "variables": "随机变量：表中 {名字} 的写法。标“猜测”的类型是按名字猜的，请核对",
        "guessed": "猜测",
        "people": "人员（通讯录）：来自“来源”“对象”两栏；role 决定请示汇报的层级，请核对。至少要有带班领导（shift_leader）",
        "default_person": "默认人员：表中没有，请改成实际的人",
        "facts": "事实：表中没有事实。以下是时限“从事实变化起算”所需的占位事实，请补全真实情况和变化时刻",
        "stub_value": "（请填写变化后的情况）",
        "injects": "注入：表中每个事件一项", "expectations": "期望：表中每行一条",
        "row": "第 {row} 行", "people_row": "表“人员”第 {row} 行", "points": "分值为默认值", "rule": "依据为默认值",
        "description_text": "由电子表格“{source}”导入：{injects} 个注入、{expectations} 条期望。请改写为演练简介。",
        "unit_value": "县委", "unit_aliases": ["县委值班室", "县委办"], "trainee_role": "县委值班室值班员",
    },
    "en": {
        "made": "Made by dutydrill scenario import from the spreadsheet \"{source}\".",
        "edit": "What the comments mark \"default\" or \"check\" was filled in: edit it, then run: dutydrill scenario check <this file>",
        "schema": "The first line lets an editor complete keys: save dutydrill scenario schema as scenario.schema.json beside this file",
        "difficulty": "default: check", "competencies": "from the expectations' actions",
"start": "the drill clock at the start: from the plan's earliest time",
        "start_default": "default: the plan has no time of day; check", "length": "drill minutes: the last inject and deadline, with room to spare",
        "speed": "drill seconds per real second", "unit": "default: the trainee's own office, named when answering; change it",
        "variables": "Random values: the plan's {name} placeholders. Kinds marked \"guessed\" come from the names: check them",
        "guessed": "guessed",
        "people": "People (directory): from the from and target columns; role decides escalation: check it. A shift leader (shift_leader) is needed",
        "default_person": "default: nobody in the plan; change to the real person",
        "facts": "Facts: the plan has none. These stand in for deadlines counted from a fact's change: write the real fact and when it changes",
        "stub_value": "(write what it changes to)",
        "injects": "Injects: one per event in the plan", "expectations": "Expectations: one per row",
        "row": "row {row}", "people_row": "people sheet, row {row}", "points": "default points", "rule": "default rule",
        "description_text": "Imported from the spreadsheet \"{source}\": {injects} injects, {expectations} expectations. "
                            "Rewrite this as the drill's description.",
        "unit_value": "county committee", "unit_aliases": ["county committee duty room", "county committee office"],
        "trainee_role": "Duty officer, county committee duty room",
    },
}
SETTINGS = ("id", "title", "language", "difficulty", "competencies", "description", "start", "length", "speed",
            "unit", "unit_aliases", "trainee_role", "briefing")


class _Dumper(yaml.SafeDumper):
    """Block style for text with line breaks; otherwise PyYAML's safe choices, which our loader reads back."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def _dump(value: object, flow: bool | None) -> str:
    return yaml.dump(value, Dumper=_Dumper, default_flow_style=flow, allow_unicode=True, sort_keys=False, width=1 << 20)


def _clock_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass
class _Collector(LoadedFile):
    """Stands in for a parsed file so that ``check_scenario`` tells which item each problem is about."""

    seen: list[tuple[tuple, str]] = field(default_factory=list)

    def problem(self, loc: tuple, message: str):
        self.seen.append((tuple(loc), message))
        return super().problem(loc, message)


class _Drill(_Plan):
    """Assembles the items into a drill file, dropping (and reporting) what ``scenario check`` refuses."""

    def build(self) -> ImportResult:
        for _ in range(len(self.injects) + len(self.expectations) + len(self.settings) + 2):
            if not self.injects:
                return ImportResult(None, None, self.findings + [finding("nothing_usable")])
            text = self.render()
            try:
                data = yaml.load(text, Loader=DrillFileLoader)  # the very text that will be written
                scenario = Scenario.model_validate(data)
            except yaml.YAMLError as error:  # would be a bug here; still a finding, never a traceback
                return ImportResult(None, None, self.findings + [finding("invalid", where="drill", reason=str(error))])
            except ValidationError as error:
                problems = [(tuple(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in error.errors()]
            else:
                collector = _Collector("", data, {})
                check_scenario(scenario, collector, self.policy, self.rule_ids)
                problems = collector.seen
                if not problems:
                    return ImportResult(text, scenario, self.findings)
            if not self._drop(problems):
                reasons = "; ".join(sorted({f"{'.'.join(map(str, loc))}: {message}" for loc, message in problems}))
                return ImportResult(text, None, self.findings + [finding("invalid", where="drill", reason=reasons)])
        return ImportResult(None, None, self.findings + [finding("nothing_usable")])

    def _drop(self, problems: list[tuple[tuple, str]]) -> bool:
        dropped_injects, dropped_expectations = {}, {}
        for loc, message in problems:
            section, index = (loc + (None, None))[:2]
            if section == "injects" and isinstance(index, int):
                dropped_injects.setdefault(index, message)
            elif section == "expectations" and isinstance(index, int):
                dropped_expectations.setdefault(index, message)
            elif section in self.settings:
                value, row = self.settings.pop(section)
                self.findings.append(finding("invalid", row, "drill", where=section, reason=message))
                return True
        for index, message in dropped_injects.items():
            item = self.injects[index]
            self.note("invalid", item.row, where="inject", reason=message)
            for expectation in self.expectations:
                if expectation.data["inject"] == item.data["id"]:
                    dropped_expectations.setdefault(self.expectations.index(expectation), None)
        for index, message in dropped_expectations.items():
            item = self.expectations[index]
            if message is None:
                inject = next(i for i in self.injects if i.data["id"] == item.data["inject"])
                if item.row != inject.row:  # the inject's own row was reported already
                    self.note("inject_skipped", item.row, inject_row=inject.row)
            else:
                self.note("invalid", item.row, where="expectation", reason=message)
        self.injects = [item for i, item in enumerate(self.injects) if i not in dropped_injects]
        self.expectations = [item for i, item in enumerate(self.expectations) if i not in dropped_expectations]
        return bool(dropped_injects or dropped_expectations)

    def render(self) -> str:
        words = COMMENTS[self.language]
        for role in ["shift_leader", *(e.data.get("target") for e in self.expectations),
                     *(i.data.get("when", {}).get("target") for i in self.injects)]:
            if role in DEFAULT_PEOPLE:
                self._default_person(role, None)
        facts = self._stub_facts()
        start, start_comment = self._start()
        header, comments = self._header(start, start_comment)
        people = [item.data for item in self.people]
        for name in sorted(set(PLACEHOLDER.findall(_dump([header, people, facts, [i.data for i in self.injects],
                                                           [e.data for e in self.expectations]], True)))):
            if name not in self.variables:
                self.variables[name] = guess_variable(name)
                self.guessed.add(name)
        lines = ["# yaml-language-server: $schema=scenario.schema.json",
                 "# " + words["made"].format(source=self.options.name), "# " + words["edit"], "# " + words["schema"], ""]
        for key, value in header.items():
            chunk = (f"{key}: {_dump(value, True).strip()}" if isinstance(value, list)
                     else _dump({key: value}, False).rstrip("\n"))
            lines.append(f"{chunk}  # {comments[key]}" if key in comments and "\n" not in chunk else chunk)
        if self.variables:
            lines += ["", "# " + words["variables"], "variables:"]
            lines += [f"  {name}: {_dump(declared, True).strip()}" + (f"  # {words['guessed']}" if name in self.guessed else "")
                      for name, declared in self.variables.items()]
        lines += ["", "# " + words["people"], "people:"]
        for item in self.people:
            said = {"row": words["row"].format(row=item.row), "people": words["people_row"].format(row=item.row)}
            lines.append(f"  - {_dump(item.data, True).strip()}  # {said.get(item.notes[0] if item.notes else '', words['default_person'])}")
        if facts:
            lines += ["", "# " + words["facts"], "facts:"] + [f"  - {_dump(fact, True).strip()}" for fact in facts]
        lines += ["", "# " + words["injects"], "injects:"]
        for item in self.injects:
            lines.append("  # " + words["row"].format(row=item.row))
            lines += ["  " + line for line in _dump([item.data], False).rstrip("\n").split("\n")]
        if self.expectations:
            lines += ["", "# " + words["expectations"], "expectations:"]
        for item in self.expectations:
            said = ", ".join([words["row"].format(row=item.row)] + [words[note] for note in item.notes])
            lines.append(f"  - {_dump(item.data, True).strip()}  # {said}")
        return "\n".join(lines) + "\n"

    def _stub_facts(self) -> list[dict]:
        facts: dict[str, dict] = {}
        for item in self.expectations:
            deadline = item.data.get("deadline")
            if isinstance(deadline, dict) and deadline["after"].startswith("change:"):
                fact = deadline["after"].removeprefix("change:")
                inject = next(i.data for i in self.injects if i.data["id"] == item.data["inject"])
                change = {"at": inject.get("at", 0), "value": COMMENTS[self.language]["stub_value"]}
                facts.setdefault(fact, {"id": fact, "label": fact, "element": "consequences", "changes": [change]})
        return list(facts.values())

    def _start(self) -> tuple[str, str | None]:
        given = self.options.start or self._setting("start")
        if given:
            return str(given), None
        clocks = [_clock_minutes(i.data["at"]) for i in self.injects if isinstance(i.data.get("at"), str)]
        if not clocks:
            return "09:00", "start_default"
        # A few minutes before the first event; with events past midnight, the start that spans least.
        candidates = {((clock - 2) // 5 * 5) % 1440 for clock in clocks}
        best = min(candidates, key=lambda start: (max((clock - start) % 1440 for clock in clocks), start))
        return f"{best // 60:02d}:{best % 60:02d}", "start"

    def _length(self, start: str) -> int:
        """Drill minutes that hold every inject and deadline the file alone can place, with room to spare."""
        def offset(at: object) -> float:
            return float((_clock_minutes(at) - _clock_minutes(start)) % 1440) if isinstance(at, str) else float(at)

        def due(anchor: float, name: str) -> float | None:
            limit = self.policy.limits.get(name)
            if limit is None or limit.minutes is not None:
                return anchor + limit.minutes if limit else None
            moment = float((_clock_minutes(limit.clock) - _clock_minutes(start)) % 1440)
            while moment < anchor:
                moment += 1440
            return moment

        arrivals = {i.data["id"]: offset(i.data["at"]) for i in self.injects if "at" in i.data}
        dues: dict[str, float] = {}
        for _ in range(4):  # contingencies and met: anchors hang on each other; a few passes settle them
            for item in self.expectations:
                deadline = item.data.get("deadline")
                if deadline:
                    name, after = (deadline, "inject") if isinstance(deadline, str) else (deadline["limit"], deadline["after"])
                    kind, _, ref = after.partition(":")
                    anchor = dues.get(ref) if kind == "met" else arrivals.get(item.data["inject"])
                    moment = due(anchor, name) if anchor is not None else None
                    if moment is not None:
                        dues[item.data["id"]] = moment
            for item in self.injects:
                when = item.data.get("when")
                if when:
                    base = dues.get(when["missed"]) if "missed" in when else arrivals.get(when.get("inject", ""))
                    if base is not None:
                        arrivals[item.data["id"]] = base + item.data.get("delay", 0)
        end = max([0.0, *arrivals.values(), *dues.values()])
        return int(min(24 * 60, max(30, math.ceil((end + max(15.0, end / 4)) / 10) * 10)))

    def _header(self, start: str, start_comment: str | None) -> tuple[dict, dict]:
        words, setting = COMMENTS[self.language], self._setting
        used = [e.data.get("competency") or COMPETENCY_OF_ACTION[e.data["action"]] for e in self.expectations]
        derived = [c.value for c in Competency if c.value in used] or ["intake"]
        source = self.options.name
        header: dict = {
            "schema_version": 1,
            "id": self.options.drill_id or setting("id") or _slug(source, 60).replace("_", "-")
                  or f"imported-{hashlib.sha1(source.encode()).hexdigest()[:6]}",
            "title": (self.options.title or setting("title") or self.title_row or source)[:200],
            "language": self.language,
            "difficulty": setting("difficulty") or "beginner",
            "competencies": _split_list(setting("competencies")) if setting("competencies") else derived,
            "description": setting("description") or words["description_text"].format(
                source=source, injects=len(self.injects), expectations=len(self.expectations)),
            "start": start,
            "length": self._length(start),
            "speed": _number(float(setting("speed"))) if _is_number(setting("speed")) else 5,
            "unit": setting("unit") or words["unit_value"],
            "unit_aliases": _split_list(setting("unit_aliases")) if setting("unit_aliases") else words["unit_aliases"],
            "trainee_role": setting("trainee_role") or words["trainee_role"],
        }
        if _is_number(setting("length")):
            header["length"] = max(header["length"], _number(float(setting("length"))))
        if setting("briefing"):
            header["briefing"] = setting("briefing")
        comments = {key: words[key] for key in ("difficulty", "competencies", "length", "speed", "unit")
                    if not setting(key)}
        if start_comment:
            comments["start"] = words[start_comment]
        return header, comments


def _is_number(text: object) -> bool:
    return isinstance(text, str) and bool(re.fullmatch(r"\d+(\.\d+)?", text))


def import_plan(table: Table, options: ImportOptions, policy: Policy, rule_ids: set[str] | None = None,
                rule_titles: dict[str, str] | None = None) -> ImportResult:
    """Turn a plan's rows into a drill file; rows that cannot be used are findings, never exceptions.

    ``rule_ids`` (the rulebook's section ids) lets rows cite sections by title as well as
    by id; ``rule_titles`` maps titles to ids. ``SpreadsheetError`` if there is no plan at all.
    """
    if options.drill_id is not None and not _is_id(options.drill_id):
        raise SpreadsheetError([finding("bad_id", value=options.drill_id)])
    drill = _Drill(table, options, policy, rule_ids, rule_titles or {})
    drill.read()
    result = drill.build()
    if result.text is not None and drill.guessed:
        result.findings.append(finding("guessed_variables", names=", ".join(sorted(drill.guessed))))
    return result


# ── A drill back to rows ──────────────────────────────────────────────────────────────

def export_rows(scenario: Scenario) -> tuple[list[str], list[list[object]]]:
    """Headers and rows in the drill's language: one row per expectation, the inject's cells on its first."""
    language = scenario.language
    people = {person.id: person for person in scenario.people}
    comma = "、" if language == "zh" else ", "

    def said(key: str, value: str) -> str:
        word = TRIGGER_KEYS.label(key, language)
        return f"{word}：{value}" if language == "zh" else f"{word}: {value}"

    def who(value: str | None, source: bool = False) -> str:
        """A person as ``name（title）``; a target that is a role name as the role, even if a person has that id."""
        if value is None:
            return ""
        if value in people and (source or value not in ROLES.labels):
            person = people[value]
            if not person.title:
                return person.name
            return f"{person.name}（{person.title}）" if language == "zh" else f"{person.name} ({person.title})"
        return ROLES.label(value, language) if value in ROLES.labels else value

    rows: list[list[object]] = []
    for inject in scenario.injects:
        cells: dict[str, object] = {
            "channel": CHANNELS.label(inject.channel.value, language), "from": who(inject.source, source=True),
            "content": inject.document.body if inject.document else inject.opening,
            "summary": inject.summary, "inject_id": inject.id}
        if inject.when is None:
            cells["time"] = _number(inject.at) if isinstance(inject.at, float) else inject.at
        else:
            cells["time"] = _number(inject.delay)
            trigger = inject.when
            parts = [said("missed", trigger.missed)] if trigger.missed else [
                said("action", ACTIONS.label(trigger.action.value, language))]
            parts += [said("inject", trigger.inject)] if trigger.inject else []
            parts += [said("target", who(trigger.target))] if trigger.target else []
            cells["trigger"] = "；".join(parts) if language == "zh" else "; ".join(parts)
        expectations = [e for e in scenario.expectations if e.inject == inject.id]
        for index, expectation in enumerate(expectations or [None]):
            row = dict(cells) if index == 0 else {}
            if expectation is not None:
                row.update(_expectation_cells(expectation, language, who, said, comma))
            rows.append([row.get(column, "") for column in EXPORT_COLUMNS])
    return [COLUMNS.label(column, language) for column in EXPORT_COLUMNS], rows


def _expectation_cells(expectation: Expectation, language: str, who, said, comma: str) -> dict[str, object]:
    action = ACTIONS.label(expectation.action.value, language)
    if expectation.avoid:
        action = f"不得{action}" if language == "zh" else f"avoid {action}"
    cells: dict[str, object] = {
        "action": action, "target": who(expectation.target), "points": expectation.points,
        "severity": SEVERITIES.label(expectation.severity.value, language), "rule": expectation.rule,
        "description": expectation.description, "expectation_id": expectation.id,
        "elements": comma.join(ELEMENTS.label(e.value, language) for e in expectation.elements)}
    for column, value, vocabulary in (("question", expectation.question, QUESTIONS), ("stage", expectation.stage, STAGES),
                                      ("report_channel", expectation.channel, REPORT_CHANNELS),
                                      ("competency", expectation.competency, COMPETENCIES)):
        if value is not None:
            cells[column] = vocabulary.label(value.value, language)
    if expectation.deadline is not None:
        cells["deadline"] = expectation.deadline.limit
        if expectation.deadline.after != "inject":
            kind, _, ref = expectation.deadline.after.partition(":")
            cells["deadline_from"] = said(kind, ref)
    return cells


def side_sheets(scenario: Scenario) -> dict[str, list[list[object]]]:
    """The drill's settings, variables and people, for a workbook's side sheets (not for CSV)."""
    language = scenario.language
    settings = [["key", "value"]]
    for key in SETTINGS:
        value = getattr(scenario, key)
        if isinstance(value, list):
            value = ", ".join(item.value if hasattr(item, "value") else item for item in value)
        if value not in ("", None):
            settings.append([key, _number(value) if isinstance(value, float) else value])
    variables = [["name", "kind", "choices", "low", "high"]]
    for name, variable in scenario.variables.items():
        variables.append([name, variable.kind, "\n".join(variable.choices or []),
                          "" if variable.low is None else variable.low, "" if variable.high is None else variable.high])
    people = [list(PEOPLE_COLUMNS)]
    for person in scenario.people:
        row = person.model_dump(mode="json")
        people.append(["" if row[key] is None else row[key] for key in PEOPLE_COLUMNS])
    names = ("演练", "变量", "人员") if language == "zh" else ("drill", "variables", "people")
    return dict(zip(names, (settings, variables, people)))


def write_table(path: Path, headers: list[str], rows: list[list[object]], sides: dict[str, list[list[object]]] | None = None,
                sheet_title: str = "plan") -> None:
    """CSV (UTF-8 with a BOM, so Excel and WPS open it right) or .xlsx, by the file's suffix; written atomically."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"a spreadsheet is .csv or .xlsx, not {path.suffix or 'no suffix'}")
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        if suffix == ".csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerows([headers] + [[_guarded(cell) for cell in row] for row in rows])
            temporary.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline="")
        else:
            _write_xlsx(temporary, headers, rows, sides or {}, sheet_title)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _guarded(cell: object) -> object:
    """Text that Excel would run as a formula gets a leading apostrophe (taken off again on import)."""
    if isinstance(cell, str):
        cell = _INVISIBLE.sub("", cell.replace("\t", " "))
        if cell[:1] in ("=", "+", "-", "@"):
            return "'" + cell
    return cell


def _write_xlsx(path: Path, headers: list[str], rows: list[list[object]], sides: dict, title: str) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    sheets = [(workbook.active, title, [headers] + rows)]
    sheets += [(workbook.create_sheet(), name, table) for name, table in sides.items()]
    for sheet, name, table in sheets:
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "plan"
        for row in table:
            sheet.append([_INVISIBLE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
        for column in sheet.columns:
            longest = max((_width(str(cell.value or "")) for cell in column), default=4)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest + 2))
        sheet.freeze_panes = "A2"
    workbook.save(path)


def _width(text: str) -> int:
    """Columns the longest line takes in a sheet: Chinese characters are two wide."""
    line = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
