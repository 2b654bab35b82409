"""``kb check``: everything wrong with the rulebook, as ``path:line: message`` problems.

Loading already reports unreadable files, front matter, missing, malformed, unprefixed
and duplicate ids. This adds what needs the whole edition or both editions: broken
internal links, zh/en editions whose ids differ, and policy.yaml rules that cite no section.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import yaml

from knowledge.model import Problem, Rulebook
from knowledge.rulebook import LANGUAGES, RULEBOOK_DIRECTORY, cached_rulebook, load_rulebook, read_utf8

POLICY_FILE = "policy.yaml"


def known_rule_ids(language: str = "zh", directory: Path | str | None = None) -> frozenset[str]:
    """The section ids a scenario or scorecard may cite (cached until a file changes)."""
    return cached_rulebook(language, directory).rule_ids()


def check_rulebook(directory: Path | str | None = None, languages: tuple[str, ...] = LANGUAGES) -> list[Problem]:
    """Every problem in the given editions and in policy.yaml, sorted by file and line."""
    root = Path(directory) if directory is not None else RULEBOOK_DIRECTORY
    rulebooks = [load_rulebook(root, language) for language in languages]
    problems: list[Problem] = []
    for rulebook in rulebooks:
        problems.extend(rulebook.problems)
        problems.extend(check_links(rulebook))
    for first, second in pairwise(rulebooks):
        problems.extend(check_editions(first, second))
    problems.extend(check_policy(root / POLICY_FILE, rulebooks))
    return sorted(problems, key=lambda problem: (str(problem.path), problem.line, problem.message))


def check_links(rulebook: Rulebook) -> list[Problem]:
    """Internal links whose target is not a section id of this edition."""
    problems = []
    for section in rulebook.sections.values():
        path = rulebook.documents[section.document].path
        for link in section.links:
            if link.target not in rulebook.sections:
                problems.append(Problem(path, link.line, "broken-link", f"link to #{link.target}: no section has this id"))
    return problems


def check_editions(first: Rulebook, second: Rulebook) -> list[Problem]:
    """Documents and section ids present in one edition and not in the other."""
    problems = []
    for this, other in ((first, second), (second, first)):
        for document in this.documents.values():
            if document.id not in other.documents:
                expected = other.directory / other.language / document.path.name
                problems.append(Problem(document.path, 1, "edition-mismatch", f"document {document.id!r} has no {other.language} edition ({expected})"))
        for section in this.sections.values():
            if section.id not in other.sections and section.document in other.documents:
                path = this.documents[section.document].path
                problems.append(Problem(path, section.line, "edition-mismatch", f"id {section.id!r} is not in the {other.language} edition"))
    return problems


def check_policy(path: Path, rulebooks: list[Rulebook]) -> list[Problem]:
    """Each ``limits.<name>.rule`` in policy.yaml must be a section id of every edition."""
    if not path.exists():
        return [Problem(path, 1, "policy", "no policy file: the time limits that drills cite live here")]
    text, problem = read_utf8(path)
    if text is None:
        return [problem] if problem else []
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [Problem(path, mark.line + 1 if mark else 1, "policy", f"not valid YAML: {getattr(error, 'problem', None) or error}")]
    limits = _mapping_value(root, "limits")
    if not isinstance(limits, yaml.MappingNode):
        return [Problem(path, _line(limits or root), "policy", "the policy needs a 'limits' mapping of named time limits")]
    problems = []
    for name_node, limit in limits.value:
        rule = _mapping_value(limit, "rule")
        if not isinstance(rule, yaml.ScalarNode) or not rule.value:
            problems.append(Problem(path, _line(name_node), "policy", f"limit {name_node.value!r} has no 'rule' naming the section that sets it"))
            continue
        for rulebook in rulebooks:
            if rule.value not in rulebook.sections:
                message = f"limit {name_node.value!r} cites {rule.value!r}, which is not a section of the {rulebook.language} rulebook"
                problems.append(Problem(path, _line(rule), "policy", message))
    return problems


def _mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for key_node, value in node.value if getattr(key_node, "value", None) == key), None)


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1
