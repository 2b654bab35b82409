"""Parsed rulebook files from the on-disk cache: only a file whose bytes changed is parsed.

A file's cache key is the sha256 of its bytes, its name, the language and the parser's
fingerprint (the source of the parsing modules and the versions of markdown-it-py and
PyYAML), so an edited file, a changed parser or an upgraded library all miss the cache.
Paths are not stored: the document and problems get the path the file has now.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from knowledge.cache_store import CacheStore, open_store
from knowledge.model import Document, Link, Problem, Section

Parse = Callable[[Path, str, bytes | None], "ParsedFile"]  # noqa: F821 (knowledge.rulebook.ParsedFile)

_PARSING_MODULES = ("front_matter.py", "markdown_text.py", "model.py", "rulebook.py", "section_cache.py")


@cache
def parser_fingerprint() -> bytes:
    """What a parse result depends on besides the file: our parsing code and its libraries."""
    import markdown_it  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    digest = hashlib.sha256(f"markdown-it-py {markdown_it.__version__}; PyYAML {yaml.__version__}".encode())
    folder = Path(__file__).resolve().parent
    for name in _PARSING_MODULES:
        try:
            digest.update((folder / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.digest()


def file_key(name: str, language: str, data: bytes) -> str:
    digest = hashlib.sha256(parser_fingerprint())
    digest.update(f"\x00{language}\x00{name}\x00".encode())
    digest.update(data)
    return digest.hexdigest()


def load_parsed_files(paths: list[Path], language: str, cache_folder: Path | str, parse: Parse) -> list:
    """The ParsedFile of every path, in order: from the cache where the file is unchanged,
    parsed (and then cached) where not. Never raises because of the cache."""
    store = open_store(cache_folder) if paths else None
    try:
        return _load(paths, language, store, parse)
    finally:
        if store is not None:
            store.close()


def _load(paths: list[Path], language: str, store: CacheStore | None, parse: Parse) -> list:
    # First only the keys, dropping each file's bytes once hashed (10 MB for a large rulebook).
    keys = [_key_of(path, language) for path in paths]
    cached = _read_cached(store, [key for key in keys if key]) if store is not None else {}
    results = []
    fresh: list[tuple[str, object]] = []
    for number, (path, key) in enumerate(zip(paths, keys, strict=True)):
        parsed = _restore(cached[key], path, language) if key in cached else None
        if parsed is None:
            # Read again and key what is parsed, so an edit made meanwhile is never cached under the old key.
            try:
                data: bytes | None = path.read_bytes()
            except OSError:
                data = None  # parse reports it as unreadable
            parsed = parse(path, language, data)
            keys[number] = key = file_key(path.name, language, data) if data is not None else None
            if key is not None and parsed.document is not None:
                fresh.append((key, parsed))
        results.append(parsed)
    if store is not None and store.writable:
        if fresh:
            store.write(_store_statements(fresh))
        edition = f"{paths[0].parent.resolve()}|{language}"
        store.remember_edition(edition, [key for key in keys if key])
    return results


def _key_of(path: Path, language: str) -> str | None:
    try:
        return file_key(path.name, language, path.read_bytes())
    except OSError:
        return None


def _read_cached(store: CacheStore, keys: list[str]) -> dict[str, tuple]:
    """key → (document json, problems json, section rows) for the keys the cache holds."""
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    files = store.read(f"SELECT key, document, problems FROM files WHERE key IN ({marks})", tuple(keys))
    rows = store.read(f"SELECT file, id, title, level, document, text, source, hash, line, parent, links FROM sections "
                      f"WHERE file IN ({marks}) ORDER BY file, position", tuple(keys))
    if files is None or rows is None:
        return {}
    sections: dict[str, list[tuple]] = {key: [] for key, _, _ in files}
    for row in rows:
        if row[0] in sections:
            sections[row[0]].append(row)
    return {key: (document, problems, sections[key]) for key, document, problems in files}


def _restore(entry: tuple, path: Path, language: str):
    """A ParsedFile from cached rows, or None if they do not read back (then we parse)."""
    from knowledge.rulebook import ParsedFile  # noqa: PLC0415 (rulebook imports this module lazily)

    document_json, problems_json, rows = entry
    try:
        values = json.loads(document_json)
        effective = datetime.date.fromisoformat(values["effective"]) if values["effective"] else None
        document = Document(values["id"], values["title"], values["version"], effective, values["sample"], path, language)
        problems = [Problem(path, line, kind, message) for line, kind, message in json.loads(problems_json)]
        sections = [
            Section(section_id, title, level, document_id, text, source, section_hash, line, parent,
                    tuple(Link(target, link_line) for target, link_line in json.loads(links)) if links != "[]" else ())
            for _, section_id, title, level, document_id, text, source, section_hash, line, parent, links in rows
        ]
    except (ValueError, TypeError, KeyError):
        return None
    return ParsedFile(document, sections, problems)


def _store_statements(fresh: list[tuple[str, object]]) -> list[tuple[str, object]]:
    files = []
    for key, parsed in fresh:
        document = parsed.document  # type: ignore[attr-defined]
        effective = document.effective.isoformat() if document.effective else None
        files.append((key, json.dumps({"id": document.id, "title": document.title, "version": document.version,
                                       "effective": effective, "sample": document.sample}, ensure_ascii=False),
                      json.dumps([[problem.line, problem.kind, problem.message] for problem in parsed.problems], ensure_ascii=False)))  # type: ignore[attr-defined]

    def sections():
        # Binding a str keeps its UTF-8 form attached to it for as long as it lives: for
        # the sections' text and source (10 MB of Chinese) that is 20 MB more memory for
        # the rulebook's lifetime. So bind copies, made one row at a time and dropped.
        for key, parsed in fresh:
            for position, section in enumerate(parsed.sections):  # type: ignore[attr-defined]
                yield (key, position, section.id, _copy(section.title), section.level, section.document, _copy(section.text),
                       _copy(section.source), section.hash, section.line, section.parent,
                       json.dumps([list(link) for link in section.links], ensure_ascii=False))

    keys = [(key,) for key, _ in fresh]
    return [
        ("DELETE FROM sections WHERE file = ?", keys),
        ("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", files),
        ("INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sections()),
    ]


def _copy(text: str) -> str:
    """An equal str that is not ``text`` (ASCII needs none: its UTF-8 form is itself)."""
    return text if text.isascii() else "".join(("", text))
