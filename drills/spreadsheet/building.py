"""Rows to drill data: a plan's rows read into people, injects and (with ``expectations``) expectations.

``_Plan`` keeps what the rows give as plain dicts (``_Item``), each with the row it came
from; ``drill_file`` turns them into the drill file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pydantic import ValidationError

from drills.policy import Policy
from drills.scenario import DOCUMENT_CHANNELS, Inject, Person, Role, Variable
from drills.spreadsheet.expectations import _ExpectationRows, _Item
from drills.spreadsheet.findings import Finding, SpreadsheetError, _reason, _where, finding
from drills.spreadsheet.guessing import DEFAULT_PEOPLE, _ROLE_OF_CHANNEL, _is_id, _person_parts, _slug, guess_role
from drills.spreadsheet.reading import FORMULA, HEADER_SCAN, Table, _column_of, _text, find_header, parse_time
from drills.spreadsheet.vocabulary import (CHANNELS, COLUMNS, EXPECTATION_COLUMNS, INJECT_COLUMNS, PEOPLE_COLUMNS,
                                           REQUIRED_COLUMNS, ROLES, TRIGGER_KEYS, _key, parse_action)


@dataclass
class ImportOptions:
    drill_id: str | None = None
    title: str | None = None
    language: str | None = None  # "zh" or "en"; None: Chinese if the plan has Chinese in it
    start: str | None = None  # "HH:MM"; None: from the plan's earliest time of day
    name: str = "plan"  # the file's name without suffix: the default title and id


@dataclass
class _Group:
    """The inject the rows are currently filling in (``item`` None: it could not be used)."""

    row: int
    cells: dict[str, str]
    item: _Item | None


class _Plan(_ExpectationRows):
    """A plan's rows read into items; ``_ExpectationRows`` reads each row's expectation cells."""

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
