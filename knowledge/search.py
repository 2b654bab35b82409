"""Exact substring search over the rulebook, ranked, with marked snippets.

Why not SQLite FTS or word segmentation: trigram FTS matches nothing under three
characters and segmentation loses recall (``../shared/reference/performance-notes.md``).
Every section's title and plain text is folded (lower case, full-width ASCII made
half-width) once. A large edition is then searched through character 1-3-gram postings
kept in the on-disk cache (knowledge/postings.py, knowledge/ranking.py): a short term's
postings list exactly the sections holding it, ordered so that the best few are found
without scoring the rest; a longer term's candidates are confirmed one by one. A small
edition, or one without a usable cache, is scanned: one string of all sections, NUL
between them, through which ``str.find`` jumps from one matching section to the next.
Both give the same results; snippets are built only for the hits returned.

Query: whitespace separates terms; a section matches when it contains every term (AND)
as an exact substring of its title or text.

Ranking (higher first, ties in document order):
``score = 100 × (terms found in the title)
        + brevity × mean over terms of log2(1 + occurrences)
        + 1 / (1 + offset of the longest term's first match in the section / 100)``
where ``brevity = 5 + 5 / (1 + characters / 2000)`` lets a short section outrank a long
one with as many occurrences, by at most a factor of two. Title matches come first.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from bisect import bisect_right
from contextlib import suppress
from dataclasses import dataclass
from heapq import nlargest
from itertools import repeat
from math import log2
from pathlib import Path

from knowledge.cache_store import default_cache_folder
from knowledge.model import Rulebook, Section
from knowledge.postings import PostingsReader, open_postings
from knowledge.ranking import matched_with_postings, ranked_with_postings
from knowledge.snippets import Snippet, build_snippet, find_spans

DEFAULT_LIMIT = 20
POSTINGS_THRESHOLD = 300_000  # folded characters (about 0.8 MB of Chinese Markdown); below it a scan is ~1 ms
DEFAULT_CACHE = object()  # SearchIndex's default: the cache folder of knowledge.cache_store
_builds: dict[str, threading.Lock] = {}  # cache folder → held while building postings into it
_builds_lock = threading.Lock()
MAX_QUERY_CHARACTERS = 200
_SEPARATOR = "\x00"  # no term can hold it (control characters are refused), so no match spans two sections
_FULL_WIDTH_CHARACTER = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_LOG2 = [log2(1 + count) for count in range(256)]


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the user."""


def fold(text: str) -> str:
    """Lower-case and full-width-to-half-width ASCII, keeping every character's offset."""
    # str.translate looks every character up in Python; replacing only the few
    # full-width characters present is over ten times faster on Chinese text.
    for character in set(_FULL_WIDTH_CHARACTER.findall(text)):
        text = text.replace(character, _HALF_WIDTH[character])
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    # A few characters lower-case to two (İ → i̇); keep those as they are so offsets hold.
    return "".join(lower if len(lower := character.lower()) == 1 else character for character in text)


def parse_query(query: str) -> list[str]:
    """The folded, de-duplicated terms of a query, or QueryError with a clear reason."""
    if len(query) > MAX_QUERY_CHARACTERS:
        raise QueryError(f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARACTERS})")
    for character in query:
        category = unicodedata.category(character)
        if category == "Cs" or (category == "Cc" and character not in "\t\n\r"):
            raise QueryError(f"the query contains a control or invalid character (U+{ord(character):04X}); type plain text")
    terms = list(dict.fromkeys(fold(term) for term in query.split()))
    if not terms:
        raise QueryError("the query is empty: type a word to search for")
    return terms


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked section. ``title_spans`` are [start, end) offsets of matches in the title."""

    id: str
    title: str
    level: int
    document: str
    document_title: str
    score: float
    snippet: Snippet
    title_spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict:
        """The JSON shape of ``dutydrill kb search --json``."""
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "document": self.document,
            "document_title": self.document_title,
            "score": self.score,
            "snippet": self.snippet.marked(),
            "snippet_text": self.snippet.text,
            "snippet_spans": [list(span) for span in self.snippet.spans],
            "title_spans": [list(span) for span in self.title_spans],
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The hits shown (at most the limit), and how many sections matched in all."""

    terms: tuple[str, ...]
    hits: tuple[SearchHit, ...]
    total: int


class SearchIndex:
    """An index of one rulebook edition; build once, search many times from any thread.

    A large edition (``POSTINGS_THRESHOLD`` folded characters and more) is searched
    through the 1-3-gram postings in the on-disk cache; a small one, or one with no usable
    cache, by scanning. Both give the same results. Postings missing from the cache are
    built and stored in a background thread (seconds for 10 MB; searches scan meanwhile),
    or before returning with ``wait``; not at all without ``build`` (a one-off search in a
    short-lived process). ``use_postings`` forces either way; ``cache_folder`` moves the
    cache (default: knowledge.cache_store.default_cache_folder(); None: none).
    """

    def __init__(self, rulebook: Rulebook, cache_folder: Path | str | None | object = DEFAULT_CACHE, use_postings: bool | None = None,
                 wait: bool = False, build: bool = True) -> None:
        self.rulebook = rulebook
        self._sections: list[Section] = list(rulebook.sections.values())
        # Each section's title and text folded, with a newline between them (offsets as in the original).
        self._folded = folded = [fold(f"{section.title}\n{section.text}") for section in self._sections]
        self._title_lengths = [len(section.title) for section in self._sections]
        self._brevity = [5 + 5 / (1 + len(text) / 2000) for text in folded]
        # Title matches outrank the rest only if no section can score 100 without one.
        self._tiers_hold = all(brevity * log2(1 + len(text)) + 1 < 100 for brevity, text in zip(self._brevity, folded, strict=True))
        self._scan: tuple[str, list[int], list[int], list[int]] | None = None  # built by the first scan
        self._scan_lock = threading.Lock()
        self._postings: PostingsReader | None = None
        if use_postings is None:
            use_postings = sum(map(len, folded)) + len(folded) >= POSTINGS_THRESHOLD
        self._builder: threading.Thread | None = None
        if use_postings:
            folder = default_cache_folder() if cache_folder is DEFAULT_CACHE else cache_folder
            edition = f"{Path(rulebook.directory).resolve()}|{rulebook.language}"
            arguments = (folder, folded, self._title_lengths, self._brevity, edition)
            self._postings, buildable = open_postings(*arguments, build=wait)
            if self._postings is None and buildable and build:
                # Build them in the background; until they are stored, searches scan.
                self._builder = threading.Thread(target=self._build_postings, args=arguments, name="rulebook-postings", daemon=True)
                self._builder.start()

    def _build_postings(self, *arguments) -> None:
        with _builds_lock:  # one build per text at a time in this process; the others find it stored
            lock = _builds.setdefault(str(arguments[0]), threading.Lock())
        with lock:
            self._postings, _ = open_postings(*arguments)

    def wait_for_postings(self, timeout: float | None = None) -> bool:
        """Wait for a background build of the postings; True if searches now use them."""
        if self._builder is not None:
            self._builder.join(timeout)
        return self._postings is not None

    def _scan_data(self) -> tuple[str, list[int], list[int], list[int]]:
        """(corpus, starts, ends, title ends): every folded section in one string, a NUL
        between sections, for scanning with ``str.find``; built on first use."""
        with self._scan_lock:
            if self._scan is None:
                starts, position = [], 0
                for text in self._folded:
                    starts.append(position)
                    position += len(text) + 1
                ends = [start + len(text) for start, text in zip(starts, self._folded, strict=True)]
                title_ends = [start + length for start, length in zip(starts, self._title_lengths, strict=True)]
                self._scan = (_SEPARATOR.join(self._folded), starts, ends, title_ends)
            return self._scan

    @property
    def uses_postings(self) -> bool:
        return self._postings is not None

    def matching_ids(self, query: str) -> list[str]:
        """Every matching section id in document order (no ranking, no limit)."""
        terms = parse_query(query)
        if self._postings is not None:
            with suppress(sqlite3.Error):
                matched = self._matched(terms)
                return [self._sections[index].id for index in sorted(matched[0])]
            self._postings = None
        return [self._sections[index].id for index, _ in self._scored_matches(terms)]

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> SearchResults:
        """Rank the sections containing every term; snippets for the top ``limit`` only."""
        terms = parse_query(query)
        limit = max(limit, 0)
        best: list[tuple[int, float]] | None = None
        if self._postings is not None:
            try:
                best, total = ranked_with_postings(self, self._postings, terms, limit)
            except sqlite3.Error:  # the cache went away under us: scan from now on
                self._postings = None
        if best is None:
            scored = self._scored_matches(terms)
            best = nlargest(limit, scored, key=lambda item: (item[1], -item[0]))
            total = len(scored)
        hits = tuple(self._hit(index, round(score, 3), terms) for index, score in best)
        return SearchResults(tuple(terms), hits, total)

    def _matched(self, terms: list[str]) -> tuple[set[int], list]:
        return matched_with_postings(self, self._postings, terms)  # type: ignore[arg-type]

    def score(self, index: int, terms: list[str]) -> float:
        """The score of one section that contains every term (the formula in the module docstring),
        computed exactly as ``_scored_matches`` does."""
        primary = max(terms, key=len)
        text, title_length = self._folded[index], self._title_lengths[index]
        position = text.find(primary)
        occurrences = text.count(primary, position)
        strength = _LOG2[occurrences] if occurrences < 256 else log2(1 + occurrences)
        in_title = 1 if position < title_length else 0
        for term in terms:
            if term == primary:
                continue
            first = text.find(term)
            occurrences = text.count(term, first)
            strength += _LOG2[occurrences] if occurrences < 256 else log2(1 + occurrences)
            in_title += first < title_length
        return 100 * in_title + self._brevity[index] * strength / len(terms) + 100 / (100 + position)

    def _scored_matches(self, terms: list[str]) -> list[tuple[int, float]]:
        # The longest term is usually the rarest: jump through its matches and check
        # the other terms only inside the sections it lands in.
        primary = max(terms, key=len)
        others = [term for term in terms if term != primary]
        corpus, starts, ends, title_ends = self._scan_data()
        brevity = self._brevity
        find, count, log_table = corpus.find, corpus.count, _LOG2
        term_count = len(terms)
        matches: list[tuple[int, float]] = []
        position = find(primary)
        while position >= 0:
            index = bisect_right(starts, position) - 1
            start, end = starts[index], ends[index]
            occurrences = count(primary, position, end)
            strength = log_table[occurrences] if occurrences < 256 else log2(1 + occurrences)
            in_title = 1 if position < title_ends[index] else 0
            for term in others:
                first = find(term, start, end)
                if first < 0:
                    break
                occurrences = count(term, first, end)
                strength += log_table[occurrences] if occurrences < 256 else log2(1 + occurrences)
                in_title += first < title_ends[index]
            else:
                matches.append((index, 100 * in_title + brevity[index] * strength / term_count + 100 / (100 + position - start)))
            position = find(primary, end)
        return matches

    def scores(self, sections: list[int], terms: list[str]) -> list[float]:
        """``score`` of each section, computed term by term over all the sections at once
        (the searching in C, the same arithmetic in the same order)."""
        primary, log_table = max(terms, key=len), _LOG2
        texts = list(map(self._folded.__getitem__, sections))
        title_lengths = list(map(self._title_lengths.__getitem__, sections))
        positions = list(map(str.find, texts, repeat(primary)))
        counts = map(str.count, texts, repeat(primary), positions)
        strengths = [log_table[count] if count < 256 else log2(1 + count) for count in counts]
        in_title = [1 if position < title_length else 0 for position, title_length in zip(positions, title_lengths)]
        for term in terms:
            if term == primary:
                continue
            firsts = list(map(str.find, texts, repeat(term)))
            counts = map(str.count, texts, repeat(term), firsts)
            strengths = [strength + (log_table[count] if count < 256 else log2(1 + count)) for strength, count in zip(strengths, counts)]
            in_title = [titled + (first < title_length) for titled, first, title_length in zip(in_title, firsts, title_lengths)]
        brevities = map(self._brevity.__getitem__, sections)
        term_count = len(terms)
        return [100 * titled + brevity * strength / term_count + 100 / (100 + position)
                for titled, brevity, strength, position in zip(in_title, brevities, strengths, positions)]

    def _hit(self, index: int, score: float, terms: list[str]) -> SearchHit:
        section = self._sections[index]
        document = self.rulebook.documents.get(section.document)
        folded, title_length = self._folded[index], self._title_lengths[index]
        folded_title, folded_text = folded[:title_length], folded[title_length + 1 :]
        return SearchHit(
            id=section.id,
            title=section.title,
            level=section.level,
            document=section.document,
            document_title=document.title if document else section.document,
            score=score,
            snippet=build_snippet(section.text, folded_text, terms),
            title_spans=find_spans(folded_title, terms),
        )
