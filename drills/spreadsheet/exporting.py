"""A drill back to rows: one row per expectation, written as CSV or .xlsx that ``import_plan`` reads back."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from drills.scenario import Expectation, Scenario
from drills.spreadsheet.reading import _INVISIBLE, _number
from drills.spreadsheet.vocabulary import (ACTIONS, CHANNELS, COLUMNS, COMPETENCIES, ELEMENTS, EXPORT_COLUMNS,
                                           PEOPLE_COLUMNS, QUESTIONS, REPORT_CHANNELS, ROLES, SEVERITIES, STAGES,
                                           TRIGGER_KEYS)

# The drill sheet of an exported workbook, in this order; import reads each key back.
SETTINGS = ("id", "title", "language", "difficulty", "competencies", "description", "start", "length", "speed",
            "unit", "unit_aliases", "trainee_role", "briefing")


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
