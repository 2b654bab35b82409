"""The drill library: the built-in drills beside the code and the user's own drills.

A drill is known by its id and language: the Chinese and English editions of one drill
share an id. Files are ``*.yaml`` under ``scenarios/`` and the data folder's ``scenarios/``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from drills.checks import check_scenario
from drills.loader import DrillFileError, Problem, load_scenario
from drills.locations import BUILTIN_SCENARIOS, user_scenarios
from drills.policy import Policy
from drills.scenario import Scenario


@dataclass(frozen=True)
class DrillFile:
    path: Path
    scenario: Scenario
    content_hash: str
    builtin: bool


@dataclass
class Library:
    drills: list[DrillFile]
    problems: list[Problem]

    def find(self, drill_id: str, language: str | None = None) -> DrillFile | None:
        """The drill with this id, in the wanted language if there is that edition."""
        matches = [d for d in self.drills if d.scenario.id == drill_id]
        for drill in matches:
            if language is None or drill.scenario.language == language:
                return drill
        return matches[0] if matches else None


def drill_files(paths: list[Path] | None = None) -> list[tuple[Path, bool]]:
    """Every drill file under the given paths, or the built-in and user folders."""
    if paths:
        roots = [(path, False) for path in paths]
    else:
        roots = [(BUILTIN_SCENARIOS, True), (user_scenarios(), False)]
    found: list[tuple[Path, bool]] = []
    for root, builtin in roots:
        if root.is_dir():
            found.extend((path, builtin) for path in sorted(root.rglob("*.yaml"))
                         if "playbooks" not in path.relative_to(root).parts)
        elif root.exists() or paths:
            found.append((root, builtin))
    return found


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_library(policy: Policy, paths: list[Path] | None = None, rule_ids: set[str] | None = None) -> Library:
    """Load and check every drill; a broken file becomes problems, never an exception."""
    library = Library([], [])
    seen: dict[tuple[str, str], Path] = {}
    for path, builtin in drill_files(paths):
        try:
            scenario, loaded = load_scenario(path)
        except DrillFileError as error:
            library.problems.extend(error.problems)
            continue
        problems = check_scenario(scenario, loaded, policy, rule_ids)
        key = (scenario.id, scenario.language)
        if key in seen:
            problems.append(loaded.problem(("id",), f"drill id {scenario.id!r} ({scenario.language}) is also used by {seen[key]}"))
        seen.setdefault(key, path)
        library.problems.extend(problems)
        if not problems:
            library.drills.append(DrillFile(path, scenario, file_hash(path), builtin))
    return library
