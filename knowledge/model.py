"""What a loaded rulebook is made of: documents, sections, links and problems.

Plain frozen dataclasses with slots, so a 5,000-section rulebook stays small in memory
and any room (scoring, the UI, a future web front end) can hold them without Textual.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class Link(NamedTuple):
    """An internal link ``[text](#target)`` found in a section, with its source line."""

    target: str
    line: int


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a rulebook file; ``str()`` gives ``path:line: message``.

    ``kind`` is a stable short code (``duplicate-id``, ``broken-link`` ...) for tests and tools.
    """

    path: Path
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Document:
    """One regulation file. Fields from a missing or malformed front matter are empty."""

    id: str
    title: str
    version: str
    effective: datetime.date | None
    sample: bool
    path: Path
    language: str


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and what lies under it up to the next heading of any level.

    ``text`` is the body with Markdown markup stripped (the title is not repeated in it);
    ``source`` is the section's own Markdown, heading line included; ``hash`` is the
    sha256 of the normalized source, so it changes exactly when this section changes.
    ``line`` is 1-based in the file; ``parent`` is the id of the enclosing heading.
    """

    id: str
    title: str
    level: int
    document: str
    text: str
    source: str
    hash: str
    line: int
    parent: str | None
    links: tuple[Link, ...] = ()


@dataclass(slots=True)
class Rulebook:
    """All documents of one language edition, their sections in document order, and
    the problems found while loading (a bad file never raises: it becomes problems)."""

    language: str
    directory: Path
    documents: dict[str, Document] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def section(self, section_id: str) -> Section | None:
        """The section with this id, or None."""
        return self.sections.get(section_id)

    def title_of(self, section_id: str) -> str:
        """The section's title, or "" for an id this rulebook lacks (a finding still cites it)."""
        section = self.sections.get(section_id)
        return section.title if section else ""

    def document_of(self, section: Section) -> Document | None:
        """The document a section belongs to."""
        return self.documents.get(section.document)

    def hashes(self) -> dict[str, str]:
        """Section id → content hash, recorded with every attempt to date the rules used."""
        return {section_id: section.hash for section_id, section in self.sections.items()}

    def rule_ids(self) -> frozenset[str]:
        """Every section id (rules that scenarios and scorecards may cite)."""
        return frozenset(self.sections)

    def children(self, section_id: str) -> list[Section]:
        """The sections directly under this one, in document order."""
        return [section for section in self.sections.values() if section.parent == section_id]
