"""``kb check``: one test per kind of problem, each on a small rulebook in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.check import check_rulebook, known_rule_ids
from knowledge.model import Problem
from knowledge.rulebook import load_rulebook
from tests.knowledge.helpers import FIXTURE_RULEBOOK, front_matter, write_edition

# Front matter takes lines 1-8, so this body starts on line 9 and 接听电话 is on line 13.
GOOD_BODY = "# 值班 {#duty}\n\n正文。\n\n## 接听电话 {#duty.phone}\n\n三声内接听。\n"
POLICY = "limits:\n  answer_phone: {minutes: 0.25, rule: duty.phone, label: 接听}\n"


def rulebook_with(tmp_path: Path, files: dict[str, str], policy: str = POLICY) -> Path:
    """A zh-only rulebook holding ``files`` and a policy citing duty.phone."""
    write_edition(tmp_path, "zh", files)
    (tmp_path / "policy.yaml").write_text(policy, encoding="utf-8")
    return tmp_path


def problems_of(root: Path) -> list[Problem]:
    return check_rulebook(root, ("zh",))


def test_the_fixture_rulebook_and_the_built_in_one_are_clean() -> None:
    assert check_rulebook(FIXTURE_RULEBOOK) == []
    assert check_rulebook() == []


def test_problem_prints_as_path_line_message(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY + "\n## 无编号\n"})

    [problem] = problems_of(root)

    assert str(problem) == f"{root / 'zh' / 'duty.md'}:17: heading '无编号' has no id: end it with {{#duty.<name>}}"
    assert problem.kind == "missing-id"


def test_duplicate_id_in_one_document(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY + "\n## 又一个 {#duty.phone}\n"})

    [problem] = problems_of(root)

    assert (problem.kind, problem.line) == ("duplicate-id", 17)
    assert "duty.md:13" in problem.message  # where the id was first used


def test_duplicate_id_across_documents(tmp_path: Path) -> None:
    other = front_matter("other") + "# 其他 {#other}\n\n## 借用 {#duty.phone}\n"
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY, "other.md": other})

    kinds = {(problem.path.name, problem.kind) for problem in problems_of(root)}

    assert ("other.md", "duplicate-id") in kinds
    assert ("other.md", "id-prefix") in kinds
    assert load_rulebook(root, "zh").sections["duty.phone"].document == "duty"  # the first one wins


def test_id_not_prefixed_by_its_document(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY + "\n## 外来 {#report.x}\n"})

    [problem] = problems_of(root)

    assert problem.kind == "id-prefix" and "'report.x'" in problem.message


def test_malformed_id(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY + "\n## 大写 {#duty.Phone Call}\n"})

    [problem] = problems_of(root)

    assert problem.kind == "malformed-id"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD_BODY, 1, "no front matter"),
        ("---\nid: duty\n" + GOOD_BODY, 1, "not closed"),
        ("---\nid: [duty\n---\n" + GOOD_BODY, 2, "not valid YAML"),
        ("---\n- a list\n---\n" + GOOD_BODY, 1, "must be a mapping"),
        (front_matter("duty", title=""), 1, "no 'title'"),
        (front_matter("duty", version="2026.1"), 4, 'version must be a quoted text such as "2026.1"'),
        (front_matter("duty", effective="2026-13-01"), 5, "effective must be a date written YYYY-MM-DD"),
        (front_matter("duty", effective="01/01/2026"), 5, "effective must be a date"),
        (front_matter("duty", sample='"yes"'), 6, "sample must be true or false"),
        (front_matter("duty", id="Duty!"), 2, "id 'Duty!' is malformed"),
        (front_matter("duty").replace("sample: true", "sample: true\nauthor: 张三"), 7, "unknown front matter key 'author'"),
    ],
)
def test_malformed_front_matter(tmp_path: Path, text: str, line: int, words: str) -> None:
    if text.startswith("---\nid: duty\ntitle"):
        text += GOOD_BODY
    root = rulebook_with(tmp_path, {"duty.md": text})

    problems = [problem for problem in problems_of(root) if problem.kind == "front-matter"]

    assert [problem.line for problem in problems] == [line], problems
    assert words in problems[0].message


def test_document_id_must_match_the_file_name(tmp_path: Path) -> None:
    body = GOOD_BODY.replace("duty", "rota")
    root = rulebook_with(tmp_path, {"duty.md": front_matter("rota") + body}, policy="limits: {}\n")

    [problem] = problems_of(root)

    assert problem.line == 2 and "differs from the file name" in problem.message
    assert "rota.phone" in load_rulebook(root, "zh").sections  # the sections are still indexed


def test_broken_internal_link(tmp_path: Path) -> None:
    body = GOOD_BODY + "\n见[报告](#duty.nothing)。\n"
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + body})

    [problem] = problems_of(root)

    assert (problem.kind, problem.line) == ("broken-link", 17)
    assert "#duty.nothing" in problem.message


def test_editions_with_different_ids(tmp_path: Path) -> None:
    write_edition(tmp_path, "zh", {"duty.md": front_matter("duty") + GOOD_BODY, "extra.md": front_matter("extra") + "# 附加 {#extra}\n"})
    write_edition(tmp_path, "en", {"duty.md": front_matter("duty", title="Duty") + "# Duty {#duty}\n\n## Log {#duty.log}\n"})
    (tmp_path / "policy.yaml").write_text("limits: {}\n", encoding="utf-8")

    messages = {(problem.path.parent.name, problem.path.name, problem.message) for problem in check_rulebook(tmp_path) if problem.kind == "edition-mismatch"}

    assert messages == {
        ("zh", "duty.md", "id 'duty.phone' is not in the en edition"),
        ("en", "duty.md", "id 'duty.log' is not in the zh edition"),
        ("zh", "extra.md", f"document 'extra' has no en edition ({tmp_path / 'en' / 'extra.md'})"),
    }


def test_policy_rule_that_is_not_a_section(tmp_path: Path) -> None:
    policy = POLICY + "  log_entry: {minutes: 10, rule: duty.journal}\n"
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY}, policy=policy)

    [problem] = problems_of(root)

    assert (problem.path.name, problem.line, problem.kind) == ("policy.yaml", 3, "policy")
    assert "'duty.journal'" in problem.message


def test_policy_without_limits_or_rule(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY}, policy="limits:\n  x: {minutes: 3}\n")
    assert "has no 'rule'" in problems_of(root)[0].message

    (tmp_path / "policy.yaml").write_text("ring_seconds: 5\n", encoding="utf-8")
    assert "needs a 'limits' mapping" in problems_of(root)[0].message


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY})
    (root / "zh" / "gbk.md").write_bytes(front_matter("gbk").encode() + "# 值班 {#gbk}\n".encode("gbk"))

    [problem] = problems_of(root)

    assert (problem.path.name, problem.line, problem.kind) == ("gbk.md", 9, "encoding")


def test_garbage_files_never_crash(tmp_path: Path) -> None:
    root = rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY, "empty.md": ""})
    (root / "zh" / "binary.md").write_bytes(bytes(range(256)) * 4)

    rulebook = load_rulebook(root, "zh")

    assert "duty.phone" in rulebook.sections
    assert {problem.path.name for problem in rulebook.problems} == {"empty.md", "binary.md"}


def test_missing_edition_is_a_problem(tmp_path: Path) -> None:
    rulebook_with(tmp_path, {"duty.md": front_matter("duty") + GOOD_BODY})

    problems = check_rulebook(tmp_path, ("zh", "en"))

    assert [problem.kind for problem in problems if problem.kind == "missing-edition"] == ["missing-edition"]


def test_known_rule_ids() -> None:
    assert known_rule_ids("zh", FIXTURE_RULEBOOK) == {
        "duty", "duty.phone", "duty.log",
        "report", "report.time-limits", "report.time-limits.phone", "report.elements", "report.failures",
    }
    assert "report.time-limits" in known_rule_ids("en")
