"""The drill files' JSON Schema, generated from the pydantic models so it cannot drift."""

from __future__ import annotations

import json

from drills.scenario import Scenario


def scenario_schema_text() -> str:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "DutyDrill drill file"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
