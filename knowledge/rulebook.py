"""Load the rulebook: one Markdown file per regulation → documents and sections.

``load_rulebook(directory, language)`` reads ``directory/language/*.md``; a file that
cannot be read or parsed never raises, it adds Problems to the Rulebook. Section ids are
global within a language edition; the first definition of an id wins.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.front_matter import read_front_matter
from knowledge.markdown_text import Heading, SectionText, normalize_newlines, parse_blocks, split_sections
from knowledge.model import Document, Problem, Rulebook, Section

RULEBOOK_DIRECTORY = Path(__file__).resolve().parent / "rulebook"
LANGUAGES = ("zh", "en")
SECTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$")


@dataclass(slots=True)
class ParsedFile:
    """One file's document (None if unreadable), its sections in order, and its problems."""

    document: Document | None
    sections: list[Section] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def section_hash(source: str) -> str:
    """sha256 of a section's Markdown, normalized so that trailing spaces, line endings,
    surrounding blank lines and Unicode composition do not count as a change."""
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", normalize_newlines(source)).split("\n")]
    normalized = "\n".join(lines).strip("\n")
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def read_utf8(path: Path, data: bytes | None = None) -> tuple[str | None, Problem | None]:
    """The file's text (``data`` if already read), or a problem saying why it cannot be read as UTF-8."""
    try:
        if data is None:
            data = path.read_bytes()
    except OSError as error:
        return None, Problem(path, 1, "unreadable", f"cannot read the file: {error.strerror or error}")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}): save the file as UTF-8"
        return None, Problem(path, line, "encoding", message)


def parse_file(path: Path, language: str, data: bytes | None = None) -> ParsedFile:
    """Parse one rulebook file (its bytes if already read); everything wrong with it is in ``problems``."""
    text, problem = read_utf8(path, data)
    if text is None:
        return ParsedFile(None, problems=[problem] if problem else [])
    front = read_front_matter(normalize_newlines(text), path)
    values = front.values
    document_id = str(values.get("id") or path.stem)
    parsed = ParsedFile(None, problems=list(front.problems))
    if document_id != path.stem:
        parsed.problems.append(Problem(path, front.key_lines.get("id", 1), "front-matter", f"id {document_id!r} differs from the file name: rename the file to {document_id}.md or fix the id"))
    tokens, env = parse_blocks(front.body)
    pieces = split_sections(tokens, env, front.body_line_offset)
    parsed.sections = _sections(pieces, front.body.split("\n"), front.body_line_offset, document_id, path, parsed.problems)
    title = str(values.get("title") or (parsed.sections[0].title if parsed.sections else path.stem))
    parsed.document = Document(
        id=document_id,
        title=title,
        version=str(values.get("version") or ""),
        effective=values.get("effective"),  # type: ignore[arg-type]
        sample=bool(values.get("sample", False)),
        path=path,
        language=language,
    )
    return parsed


def _sections(pieces: list[SectionText], lines: list[str], offset: int, document_id: str, path: Path, problems: list[Problem]) -> list[Section]:
    """Sections with their Markdown source, hash and parent; headings without an id are left out."""
    sections: list[Section] = []
    ancestors: list[tuple[int, str]] = []  # (level, id) of the enclosing headings
    for position, piece in enumerate(pieces):
        heading = piece.heading
        end = pieces[position + 1].heading.start if position + 1 < len(pieces) else len(lines)
        line = heading.start + offset + 1
        section_id = _usable_id(heading, document_id, path, line, problems)
        if section_id is None:
            continue
        while ancestors and ancestors[-1][0] >= heading.level:
            ancestors.pop()
        source = "\n".join(lines[heading.start : end]).rstrip("\n")
        sections.append(
            Section(
                id=section_id,
                title=heading.title,
                level=heading.level,
                document=document_id,
                text="\n".join(piece.lines),
                source=source,
                hash=section_hash(source),
                line=line,
                parent=ancestors[-1][1] if ancestors else None,
                links=tuple(piece.links),
            )
        )
        ancestors.append((heading.level, section_id))
    return sections


def _usable_id(heading: Heading, document_id: str, path: Path, line: int, problems: list[Problem]) -> str | None:
    """The heading's id after reporting what is wrong with it; None (not indexable) if it has none."""
    if not heading.id:
        problems.append(Problem(path, line, "missing-id", f"heading {heading.title!r} has no id: end it with {{#{document_id}.<name>}}"))
        return None
    if not SECTION_ID.match(heading.id):
        problems.append(Problem(path, line, "malformed-id", f"id {heading.id!r} is malformed: lower-case letters, digits, '-' or '_', parts joined by '.'"))
    elif heading.id != document_id and not heading.id.startswith(document_id + "."):
        problems.append(Problem(path, line, "id-prefix", f"id {heading.id!r} does not start with the document id {document_id!r}"))
    return heading.id


def load_rulebook(directory: Path | str | None = None, language: str = "zh", cache_folder: Path | str | None = None) -> Rulebook:
    """Load every ``*.md`` file of one language edition (files in name order).

    With a ``cache_folder``, a file whose bytes are unchanged since it was last parsed is
    read from the cache there instead of parsed again (see knowledge/section_cache.py);
    the result is the same either way, and a cache that cannot be used is simply skipped.
    """
    root = Path(directory) if directory is not None else RULEBOOK_DIRECTORY
    edition = root / language
    rulebook = Rulebook(language=language, directory=root)
    if not edition.is_dir():
        rulebook.problems.append(Problem(edition, 1, "missing-edition", f"no {language} edition: the folder {edition} does not exist"))
        return rulebook
    paths = sorted(edition.glob("*.md"))
    if cache_folder is not None:
        from knowledge.section_cache import load_parsed_files  # noqa: PLC0415 (only with a cache)

        parsed_files = load_parsed_files(paths, language, cache_folder, _parse_without_garbage_collection)
    else:
        parsed_files = [_parse_without_garbage_collection(path, language) for path in paths]
    for path, parsed in zip(paths, parsed_files):
        rulebook.problems.extend(parsed.problems)
        if parsed.document is None:
            continue
        if parsed.document.id in rulebook.documents:
            first = rulebook.documents[parsed.document.id].path
            rulebook.problems.append(Problem(path, 1, "duplicate-id", f"document id {parsed.document.id!r} is already used by {first}"))
            continue
        rulebook.documents[parsed.document.id] = parsed.document
        for section in parsed.sections:
            first_section = rulebook.sections.get(section.id)
            if first_section is not None:
                where = f"{rulebook.documents[first_section.document].path}:{first_section.line}"
                rulebook.problems.append(Problem(path, section.line, "duplicate-id", f"duplicate id {section.id!r} (first used at {where})"))
                continue
            rulebook.sections[section.id] = section
    return rulebook


def _parse_without_garbage_collection(path: Path, language: str, data: bytes | None = None) -> ParsedFile:
    return _without_garbage_collection(parse_file, path, language, data)


def _without_garbage_collection(function, *arguments):
    # Parsing allocates a few hundred thousand short-lived tokens with no cycles among
    # them; cyclic collections during it find nothing and cost about 5 % of the load.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return function(*arguments)
    finally:
        if was_enabled:
            gc.enable()


_cache: dict[tuple[Path, str], tuple[tuple, Rulebook]] = {}


def cached_rulebook(language: str = "zh", directory: Path | str | None = None) -> Rulebook:
    """``load_rulebook`` memoized until a file in the edition is added, removed or changed,
    with unchanged files read from the on-disk cache in the data folder."""
    root = Path(directory) if directory is not None else RULEBOOK_DIRECTORY
    key = (root.resolve(), language)
    signature = _edition_signature(root / language)
    cached = _cache.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    from knowledge.cache_store import default_cache_folder  # noqa: PLC0415

    rulebook = load_rulebook(root, language, default_cache_folder())
    _cache[key] = (signature, rulebook)
    return rulebook


def _edition_signature(edition: Path) -> tuple:
    try:
        entries = [entry for entry in os.scandir(edition) if entry.name.endswith(".md")]
    except OSError:
        return ()
    return tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in entries))
