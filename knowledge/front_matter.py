"""The ``---`` block at the top of a rulebook file: split it off and check every key.

```
---
id: report
title: 紧急情况重大事件报告处理规范
version: "2026.1"
effective: 2026-01-01
sample: true
---
```
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.model import Problem

DOCUMENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
REQUIRED_KEYS = ("id", "title", "version", "effective", "sample")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: PyYAML raises a bare ValueError on 2026-13-01,
    and the date check below gives a clearer message anyway."""


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass(slots=True)
class FrontMatter:
    """The checked values (None where missing or malformed) and where the body starts."""

    values: dict[str, object] = field(default_factory=dict)
    body: str = ""
    body_line_offset: int = 0  # file lines before the body
    key_lines: dict[str, int] = field(default_factory=dict)  # 1-based file line of each key
    problems: list[Problem] = field(default_factory=list)


def read_front_matter(text: str, path: Path) -> FrontMatter:
    """Split ``text`` (newlines already normalized) into checked front matter and body."""
    lines = text.split("\n")
    result = FrontMatter(body=text)
    if lines[0].strip() != "---":
        result.problems.append(_problem(path, 1, "no front matter: a rulebook file starts with a '---' block holding " + ", ".join(REQUIRED_KEYS)))
        return result
    closing = next((index for index in range(1, len(lines)) if lines[index].strip() in ("---", "...")), None)
    if closing is None:
        result.problems.append(_problem(path, 1, "front matter is not closed: add a '---' line after it"))
        return result
    result.body = "\n".join(lines[closing + 1 :])
    result.body_line_offset = closing + 1
    key_lines = {match.group(1): number for number, line in enumerate(lines[1:closing], start=2) if (match := _KEY_LINE.match(line))}
    result.key_lines = key_lines
    try:
        data = yaml.load("\n".join(lines[1:closing]), Loader=_FrontMatterLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(error, "problem", None) or "not valid YAML"
        result.problems.append(_problem(path, line, f"front matter is not valid YAML: {reason}"))
        return result
    if not isinstance(data, dict):
        result.problems.append(_problem(path, 1, "front matter must be a mapping of keys to values"))
        return result
    for key in data:
        if key not in REQUIRED_KEYS:
            result.problems.append(_problem(path, key_lines.get(str(key), 1), f"unknown front matter key {key!r} (expected {', '.join(REQUIRED_KEYS)})"))
    for key in REQUIRED_KEYS:
        if key not in data:
            result.problems.append(_problem(path, 1, f"front matter has no {key!r}"))
            continue
        value, message = _check_value(key, data[key])
        if message:
            result.problems.append(_problem(path, key_lines.get(key, 1), message))
        else:
            result.values[key] = value
    return result


def _check_value(key: str, value: object) -> tuple[object, str | None]:
    """The value to keep, or an error message naming what is expected."""
    if key == "id":
        if not isinstance(value, str) or not DOCUMENT_ID.match(value):
            return None, f"id {value!r} is malformed: lower-case letters, digits, '-' or '_'"
        return value, None
    if key == "title":
        if not isinstance(value, str) or not value.strip():
            return None, "title must be a non-empty text"
        return value.strip(), None
    if key == "version":
        if not isinstance(value, str) or not value.strip():
            return None, f'version must be a quoted text such as "2026.1", not {value!r}'
        return value.strip(), None
    if key == "effective":
        return _check_date(value)
    if not isinstance(value, bool):  # sample
        return None, f"sample must be true or false, not {value!r}"
    return value, None


def _check_date(value: object) -> tuple[object, str | None]:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip()), None
        except ValueError:
            pass
    return None, f"effective must be a date written YYYY-MM-DD, not {value!r}"


def _problem(path: Path, line: int, message: str) -> Problem:
    return Problem(path, line, "front-matter", message)
