"""A small drill written in code, so engine tests do not depend on the built-in content."""

from __future__ import annotations

from pathlib import Path

import yaml

BASE = {
    "id": "test-drill",
    "title": "测试演练",
    "language": "zh",
    "difficulty": "beginner",
    "competencies": ["intake"],
    "description": "engine tests",
    "start": "02:00",
    "length": 120,
    "speed": 2,
    "unit": "县委",
    "variables": {"caller": {"kind": "name"}},
    "people": [
        {"id": "leader", "name": "王主任", "role": "shift_leader", "on_duty": True},
        {"id": "director", "name": "李主任", "role": "office_director"},
        {"id": "caller", "name": "{caller}", "unit": "某镇", "role": "caller"},
        {"id": "bureau", "name": "应急局", "role": "unit"},
        {"id": "city", "name": "市委值班室", "role": "upper_duty_office"},
    ],
    "facts": [
        {"id": "place", "label": "地点", "element": "place", "value": "某村"},
        {"id": "deaths", "label": "死亡", "element": "consequences", "value": "无",
         "claimed": "十人", "confirmed_by": ["bureau"], "changes": [{"at": 30, "value": "2人"}]},
    ],
    "injects": [
        {"id": "call", "channel": "phone", "at": 5, "source": "caller", "summary": "{caller}来电",
         "volunteers": ["place"], "answers": {"consequences": {"facts": ["deaths"]}}},
        {"id": "fax", "channel": "fax", "at": 20, "source": "bureau", "summary": "传真",
         "document": {"title": "情况报告", "sender_unit": "应急局", "sealed": False}},
        {"id": "angry", "channel": "phone", "when": {"missed": "tell"}, "delay": 1, "source": "leader",
         "summary": "领导追问"},
        {"id": "wrong", "channel": "message", "when": {"action": "escalate", "target": "director"},
         "source": "director", "summary": "主任：应先报带班领导"},
    ],
    "expectations": [
        {"id": "pick_up", "inject": "call", "action": "answer", "deadline": "answer_phone", "points": 5, "rule": "duty.phone"},
        {"id": "tell", "inject": "call", "action": "escalate", "target": "shift_leader", "deadline": "escalate_urgent",
         "points": 10, "severity": "critical", "rule": "duty.escalation"},
        {"id": "follow", "inject": "call", "action": "report", "stage": "follow_up",
         "deadline": {"limit": "follow_up_after_change", "after": "change:deaths"}, "points": 5, "rule": "report.follow-up"},
        {"id": "register", "inject": "fax", "action": "register_document", "deadline": "register_document", "points": 5,
         "rule": "documents.registration"},
    ],
}


def drill_data(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    data.update(changes)
    return data


def write_drill(directory: Path, data: dict | None = None, name: str = "drill.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data or drill_data(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
