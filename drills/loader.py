"""Reading a drill file safely, and saying exactly where it is wrong.

A drill file is untrusted input: it may be empty, binary, saved in GBK, nested 10,000
deep, an alias bomb or 20 MB. Every such case becomes a ``Problem`` naming the file,
line and column; nothing here lets an exception reach the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from drills.scenario import Scenario

MAX_FILE_BYTES = 1_000_000
MAX_NESTING = 40
MAX_NODES = 200_000

Location = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


# libyaml's parser when PyYAML has it (ten times faster: the library loads at start-up);
# either way only the safe constructor is used.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DrillFileLoader(_SAFE_LOADER):
    """The safe loader without YAML 1.1's base-60 numbers, so ``at: 12:30`` stays a string."""


DrillFileLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DrillFileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
DrillFileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


@dataclass
class LoadedFile:
    """A parsed YAML document with the line and column of every value in it."""

    path: str
    data: Any
    locations: dict[tuple, Location]

    def locate(self, loc: tuple) -> Location:
        """The position of the longest prefix of ``loc`` that exists in the file."""
        for end in range(len(loc), -1, -1):
            found = self.locations.get(tuple(loc[:end]))
            if found:
                return found
        return (1, 1)

    def problem(self, loc: tuple, message: str) -> Problem:
        line, column = self.locate(loc)
        return Problem(self.path, line, column, message)


class DrillFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def _decode(raw: bytes, path: str) -> str:
    if b"\x00" in raw:
        raise DrillFileError([Problem(path, 1, 1, "this is a binary file, not a YAML drill file")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = " (it looks like GBK/GB18030)"
        except UnicodeDecodeError:
            pass
        message = f"the file is not UTF-8{hint}: save it as UTF-8, the encoding drill files use"
        raise DrillFileError([Problem(path, line, 1, message)]) from None


def _check_nesting(text: str, path: str) -> None:
    """Walk the event stream (no recursion) so deep nesting cannot blow the stack."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=DrillFileLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    mark = event.start_mark
                    message = f"nested more than {MAX_NESTING} levels deep; a drill file is never this deep"
                    raise DrillFileError([Problem(path, mark.line + 1, mark.column + 1, message)])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as error:
        raise DrillFileError([_yaml_problem(error, path, text)]) from None


def _yaml_problem(error: yaml.YAMLError, path: str, text: str) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = getattr(error, "problem", None) or str(error)
    message = f"YAML error: {problem}"
    if "nesting depth" in problem:  # libyaml stops deep nesting itself, before our own count
        message = f"nested more than {MAX_NESTING} levels deep; a drill file is never this deep"
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(column, 1)]:
        message += " (a tab is used for indentation; YAML needs spaces)"
    return Problem(path, line, column, message)


def _index_locations(root: yaml.Node, path: str) -> dict[tuple, Location]:
    """Map every key path to its position; count nodes through aliases to stop alias bombs."""
    locations: dict[tuple, Location] = {}
    stack: list[tuple[tuple, yaml.Node]] = [((), root)]
    visited = 0
    while stack:
        key_path, node = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            message = f"the file expands to more than {MAX_NODES} values (repeated aliases?)"
            raise DrillFileError([Problem(path, 1, 1, message)])
        locations.setdefault(key_path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
                locations.setdefault(key_path + (key,), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                stack.append((key_path + (key,), value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((key_path + (index,), item))
    return locations


def read_yaml(path: Path, display: str | None = None) -> LoadedFile:
    """Read one YAML file with positions, or raise ``DrillFileError`` with a clear problem."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"the file is {size / 1_000_000:.1f} MB; a drill file is at most {MAX_FILE_BYTES // 1_000_000} MB"
            raise DrillFileError([Problem(shown, 1, 1, message)])
        raw = path.read_bytes()
    except OSError as error:
        raise DrillFileError([Problem(shown, 1, 1, f"cannot read the file: {error.strerror or error}")]) from None
    text = _decode(raw, shown)
    if not text.strip():
        raise DrillFileError([Problem(shown, 1, 1, "the file is empty")])
    _check_nesting(text, shown)
    loader = DrillFileLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DrillFileError([Problem(shown, 1, 1, "the file holds only comments")])
        locations = _index_locations(node, shown)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise DrillFileError([_yaml_problem(error, shown, text)]) from None
    finally:
        loader.dispose()
    return LoadedFile(shown, data, locations)


def _describe(error: dict) -> str:
    loc = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-"))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (a typo?)"
    elif error["type"] == "missing":
        message = "required key is missing"
    return f"{loc}: {message}" if loc else message


def validate_scenario(loaded: LoadedFile) -> Scenario:
    if not isinstance(loaded.data, dict):
        kind = type(loaded.data).__name__
        raise DrillFileError([loaded.problem((), f"the top level must be a mapping of keys (id, title, …), not a {kind}")])
    try:
        return Scenario.model_validate(loaded.data)
    except ValidationError as error:
        problems = [loaded.problem(tuple(item["loc"]), _describe(item)) for item in error.errors()]
        raise DrillFileError(sorted(set(problems))) from None
    except RecursionError:
        raise DrillFileError([loaded.problem((), "the file is too deeply nested")]) from None


def load_scenario(path: Path, display: str | None = None) -> tuple[Scenario, LoadedFile]:
    """Read and validate one drill file; raises ``DrillFileError`` listing every problem."""
    loaded = read_yaml(path, display)
    return validate_scenario(loaded), loaded
