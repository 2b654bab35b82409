"""Helpers for knowledge tests: the fixture rulebook, and small rulebooks written on the fly."""

from __future__ import annotations

from pathlib import Path

FIXTURE_RULEBOOK = Path(__file__).parent / "fixtures" / "rulebook"


def front_matter(document_id: str, title: str = "测试规定", **overrides: str) -> str:
    """A valid front matter block; ``overrides`` replace a key's YAML value, '' drops it."""
    values = {"id": document_id, "title": title, "version": '"2026.1"', "effective": "2026-01-01", "sample": "true"}
    values.update(overrides)
    lines = [f"{key}: {value}" for key, value in values.items() if value != ""]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def write_edition(root: Path, language: str, files: dict[str, str]) -> Path:
    """Write ``files`` (name → text) into ``root/language``; returns ``root``."""
    edition = root / language
    edition.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (edition / name).write_text(text, encoding="utf-8")
    return root
