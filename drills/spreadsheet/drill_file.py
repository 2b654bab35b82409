"""Rows to drill data, last step: the items as a drill file that ``scenario check`` accepts.

``import_plan`` reads the rows, writes the drill file with comments that say where each
item came from and what was filled in, and checks it; what the check refuses is dropped
and reported, and the file written again.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

import yaml
from pydantic import ValidationError

from drills.checks import check_scenario
from drills.loader import DrillFileLoader, LoadedFile
from drills.policy import Policy
from drills.scenario import Competency, Scenario
from drills.spreadsheet.building import ImportOptions, _Plan
from drills.spreadsheet.findings import Finding, SpreadsheetError, finding
from drills.spreadsheet.guessing import DEFAULT_PEOPLE, _is_id, _slug, guess_variable
from drills.spreadsheet.reading import Table, _number, _split_list
from drills.spreadsheet.vocabulary import COMPETENCY_OF_ACTION
from drills.variables import PLACEHOLDER


@dataclass
class ImportResult:
    text: str | None  # the drill file, or None when no row could be used
    scenario: Scenario | None
    findings: list[Finding]

    @property
    def skipped(self) -> bool:
        return any(item.skipped for item in self.findings)


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

