"""Rows to drill data, continued: a row's expectation cells (action, deadline, rule, points …) to an expectation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pydantic import ValidationError

from drills.scenario import Expectation
from drills.spreadsheet.findings import _reason, _where
from drills.spreadsheet.reading import _split_list, parse_time
from drills.spreadsheet.vocabulary import (COMPETENCIES, DEFAULT_POINTS, ELEMENTS, EXPECTATION_COLUMNS, QUESTIONS,
                                           REPORT_CHANNELS, RULE_OF_ACTION, SEVERITIES, STAGES, TRIGGER_KEYS, _key,
                                           parse_action)


@dataclass
class _Item:
    """A person, inject or expectation as drill-file data, with the row it came from."""

    row: int
    data: dict
    notes: list[str] = field(default_factory=list)  # what was filled in, said in a comment


class _ExpectationRows:
    """The part of ``_Plan`` that reads expectations: it uses the plan's findings, people, ids and policy."""

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
