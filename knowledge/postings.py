"""Character n-gram postings (one to three characters) of a rulebook edition, kept in the
on-disk cache.

For every gram (one to three characters) occurring in a section's folded title and text,
two lists of integer keys: the sections containing the gram, and the sections whose
title contains it. A key packs the section's number with a ceiling on the score that a
term can reach in it through occurrences, ``brevity × log2(1 + occurrences of the gram)``
(any term containing the gram occurs at most as often), ``(SCORE_CAP - ceiling) << shift
| section``; so a list sorted by key runs from the highest ceiling down, ties in document
order. The search visits a list in that order and stops as soon as no later section can
beat the ones found (knowledge/ranking.py), and intersects lists to find candidates for
longer terms.

Building them costs seconds of Python for a 10 MB rulebook, so they are built once per
edition text (the key is a hash of the folded text), a range of grams at a time to bound
memory, and read a chunk of grams at a time from SQLite, each thread through its own
read-only connection. With no usable cache the search scans the text (same results).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from functools import partial
from itertools import accumulate, compress, repeat
from math import ceil, log2
from operator import add, and_, ge, lshift, lt, or_, rshift
from pathlib import Path

from knowledge.cache_store import BUSY_TIMEOUT, CacheStore, open_store

FORMAT = "postings 6"
GRAM_MAX = 3  # postings are kept for grams of one to this many characters
SCORE_CAP = 65535  # a key's ceiling at this cap means "no bound"
SCORE_STEPS = 64  # ceilings are kept in 1/64 points
POSITION_CAP = 65535  # first positions are kept up to here (a check from there on just fails)
NO_CHARACTER = 0xFFFF  # "the character after the first occurrence is not known"
NO_CHARACTER_TEXT = chr(NO_CHARACTER)
_MEMO_GRAMS = 256  # grams kept decoded in memory per index (typing repeats prefixes)
_CHUNK_GRAMS = 64  # grams per stored chunk, at most
_CHARACTERS_PER_PASS = 300_000  # of text, per pass building the trigrams
_MOST_PASSES = 12  # building the trigrams (a quarter as many for the bigrams)
_ABOVE_ALL = "\U0010ffff\U0010ffff"  # sorts after every character
_CHUNK_BYTES = 16_384  # or fewer, once their postings take this many bytes
_OFFSET_TYPECODE = "I" if array("I").itemsize == 4 else "L"


def index_key(folded: list[str], shift: int) -> str:
    """A hash of the folded sections, section by section (no 10 MB copy of the whole)."""
    digest = hashlib.sha256(f"{FORMAT}\x00{sys.byteorder}\x00{shift}".encode())
    for text in folded:
        digest.update(b"\x00")
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def shift_for(sections: int) -> int:
    return 16 if sections <= 1 << 16 else 32


def typecode_for(shift: int) -> str:
    return _OFFSET_TYPECODE if shift == 16 else "Q"


def _grams(text: str, length: int):
    grams = text
    for offset in range(1, length):
        grams = map(add, grams, text[offset:])
    return grams


def build_level(length: int, folded: list[str], title_lengths: list[int], brevity: list[float], shift: int,
                low: str = "", high: str = _ABOVE_ALL, ranges: list[bytes] | None = None, part: int = 0,
                ) -> tuple[dict[str, array], dict[str, array]]:
    """For the grams of one length starting with a character in [low, high): gram → keys of
    the sections containing it and gram → keys of those with it in the title, in document
    order. For GRAM_MAX characters (and at most 2^16 sections) a key also holds where the
    gram first occurs in the section: ``key << 32 | min(position, POSITION_CAP) << 16 |
    the character after it`` (beyond U+FFFE: NO_CHARACTER; see ``with_positions``).
    ``ranges`` (from ``_range_numbers``, for the passes' lows) says the same as [low, high)
    more quickly: a character is in the range when its byte there is ``part``."""
    positions = with_positions(length, shift)
    new_list = partial(array, "Q" if positions else typecode_for(shift))
    postings: defaultdict[str, array] = defaultdict(new_list)
    titles: defaultdict[str, array] = defaultdict(partial(array, typecode_for(shift)))
    every = not low and high == _ABOVE_ALL
    marker = re.compile(re.escape(bytes([part])))
    for number, text in enumerate(folded):
        if every:
            grams = list(_grams(text, length))
            starts_at: Iterable[int] = range(len(grams) - 1, -1, -1)
        else:
            count = max(0, len(text) - length + 1)  # of grams
            if ranges is not None:  # where they start, found in C (a pass takes a few of every ten)
                chosen = [match.start() for match in marker.finditer(ranges[number], 0, count)]
            else:
                heads = text[:count]
                chosen = list(compress(range(count), map(and_, map(ge, heads, repeat(low)), map(lt, heads, repeat(high)))))
            grams = list(map(text.__getitem__, map(slice, chosen, map(add, chosen, repeat(length)))))
            starts_at = reversed(chosen)
        counts = Counter(grams)
        if not counts:
            continue
        base = (SCORE_CAP << shift) | number
        # The key of each count in this section (a section holds few distinct counts).
        keys_by_count = [base - (score_ceiling(brevity[number], count) << shift) for count in range(max(counts.values()) + 1)]
        keys = map(keys_by_count.__getitem__, counts.values())
        if positions:
            first = dict(zip(reversed(grams), starts_at))  # filled from the end: the earliest wins
            starts = list(map(first.__getitem__, counts))
            padded = text + "\x00"
            following: Iterable[int] = list(map(ord, map(padded.__getitem__, map(add, starts, repeat(length)))))
            if max(following) >= NO_CHARACTER:  # (only these few, not the whole text, need looking at)
                following = map(min, following, repeat(NO_CHARACTER))
            capped = map(min, starts, repeat(POSITION_CAP)) if len(text) > POSITION_CAP else starts
            keys = map(or_, map(or_, map(lshift, keys, repeat(32)), map(lshift, capped, repeat(16))), following)
        # postings[gram].append(key) for every gram, looped in C rather than in Python.
        deque(map(array.append, map(postings.__getitem__, counts), keys), maxlen=0)
        for gram in set(_grams(text[: title_lengths[number]], length)):
            if every or low <= gram[0] < high:
                titles[gram].append(keys_by_count[counts[gram]])
    return postings, titles


def with_positions(length: int, shift: int) -> bool:
    return length == GRAM_MAX and shift == 16


def score_ceiling(brevity: float, count: int) -> int:
    """``brevity × log2(1 + count)`` in 1/64 points, rounded up (at most SCORE_CAP)."""
    return min(SCORE_CAP, ceil(brevity * log2(1 + count) * SCORE_STEPS))


class PostingsReader:
    """Reads one edition's postings; ``get`` is safe from any thread.

    Grams of one length are stored sorted, in chunks of consecutive grams (a few hundred,
    or fewer when their postings are long); ``fences`` name each chunk's first gram."""

    def __init__(self, path: Path, key: str, shift: int, fences: dict) -> None:
        self.path = path
        self.key = key
        self.shift = shift
        self.mask = (1 << shift) - 1
        self._typecode = typecode_for(shift)
        self._fences = {int(length): ([gram for gram, _ in entries], [chunk for _, chunk in entries]) for length, entries in fences.items()}
        self._local = threading.local()
        self._memo: dict[str, tuple[array, array, array, array] | None] = {}

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
            self._local.connection = connection
        return connection

    def get(self, gram: str) -> tuple[array, array, array, array] | None:
        """(keys of the sections whose title holds ``gram``, keys of all holding it, where it
        first occurs in each of those and the character code after that (these two for
        GRAM_MAX characters only, else empty)), or None if no section holds it.
        Raises sqlite3.Error if the cache went away: see ``search``."""
        if gram in self._memo:
            return self._memo[gram]
        entry = self._read(gram)
        if len(self._memo) >= _MEMO_GRAMS:
            self._memo.clear()
        self._memo[gram] = entry
        return entry

    def _read(self, gram: str) -> tuple[array, array, array, array] | None:
        firsts, chunks = self._fences.get(len(gram), ((), ()))
        at = bisect_right(firsts, gram) - 1
        if at < 0:
            return None
        row = self._connection().execute("SELECT grams, offsets, data FROM chunks WHERE key = ? AND chunk = ?", (self.key, chunks[at])).fetchone()
        if row is None:
            raise sqlite3.OperationalError("the postings were removed from the cache")
        grams = row[0].split("\x00")
        position = bisect_left(grams, gram)
        if position == len(grams) or grams[position] != gram:
            return None
        offsets = array(_OFFSET_TYPECODE)
        offsets.frombytes(row[1])
        data = row[2]
        title, sections, firsts, following = array(self._typecode), array(self._typecode), array("H"), array("H")
        start = 4 * position
        title.frombytes(data[offsets[start] : offsets[start + 1]])
        sections.frombytes(data[offsets[start + 1] : offsets[start + 2]])
        firsts.frombytes(data[offsets[start + 2] : offsets[start + 3]])
        following.frombytes(data[offsets[start + 3] : offsets[start + 4]])
        return title, sections, firsts, following

    def sections_of(self, keys: array) -> set[int]:
        return set(map(and_, keys, repeat(self.mask)))


def open_postings(cache_folder: Path | str | None, folded: list[str], title_lengths: list[int], brevity: list[float],
                  edition: str, build: bool = True) -> tuple[PostingsReader | None, bool]:
    """(the postings of this text from the cache, whether they could be built there). With
    ``build`` they are built and stored first if missing (seconds for 10 MB). Never raises:
    without a usable cache the answer is (None, False) and the search scans."""
    try:
        store = open_store(cache_folder)
        if store is None:
            return None, False
        try:
            shift = shift_for(len(folded))
            key = index_key(folded, shift)
            found = store.read("SELECT fences FROM indexes WHERE key = ?", (key,))
            if found is None:
                return None, False
            if not found:
                if not store.writable:
                    return None, False
                if not build:
                    return None, True
                if not _store(store, key, shift, folded, title_lengths, brevity):
                    return None, False
                found = store.read("SELECT fences FROM indexes WHERE key = ?", (key,))
                if not found:
                    return None, False
            store.remember_index(edition, key)
            return PostingsReader(store.path, key, shift, json.loads(found[0][0])), True
        finally:
            store.close()
    except Exception:  # noqa: BLE001 (a cache problem must never break a search: scan instead)
        return None, False


def _store(store: CacheStore, key: str, shift: int, folded: list[str], title_lengths: list[int], brevity: list[float]) -> bool:
    """Build the postings one gram length at a time (so only one length is in memory) and
    write them in one transaction."""
    fences: dict[int, list[tuple[str, int]]] = {}

    typecode = typecode_for(shift)

    def rows():
        chunk = 0
        passes = _passes(folded)
        ranges: list[bytes] | None = None
        for length, low, high in passes:
            lows = [pass_low for pass_length, pass_low, _ in passes if pass_length == length]
            if not low:  # the first pass for this length
                ranges = None
                if len(lows) > 1:
                    ranges = _range_numbers(folded, lows)
            postings, titles = build_level(length, folded, title_lengths, brevity, shift, low, high, ranges, lows.index(low))
            positions = with_positions(length, shift)
            fences.setdefault(length, [])
            grams: list[str] = []
            parts: list[bytes] = []
            size = 0
            for gram in _in_order(postings):
                if "\x00" in gram:  # the separator: no query can hold it
                    continue
                title, keys = titles.get(gram), sorted(postings[gram])
                parts.append(array(typecode, sorted(title)).tobytes() if title else b"")
                if positions:
                    parts.append(array(typecode, map(rshift, keys, repeat(32))).tobytes())
                    parts.append(array("H", map(and_, map(rshift, keys, repeat(16)), repeat(0xFFFF))).tobytes())
                    parts.append(array("H", map(and_, keys, repeat(0xFFFF))).tobytes())
                else:
                    parts += (array(typecode, keys).tobytes(), b"", b"")
                grams.append(gram)
                size += sum(map(len, parts[-4:]))
                if len(grams) >= _CHUNK_GRAMS or size >= _CHUNK_BYTES:
                    yield _chunk_row(key, chunk, grams, parts, fences[length])
                    chunk, grams, parts, size = chunk + 1, [], [], 0
            if grams:
                yield _chunk_row(key, chunk, grams, parts, fences[length])
                chunk += 1
            del postings, titles

    return store.write([
        ("DELETE FROM chunks WHERE key = ?", (key,)),
        ("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", rows()),  # type: ignore[list-item]
        ("INSERT OR REPLACE INTO indexes VALUES (?, ?, ?)", lambda: (key, shift, json.dumps(fences, ensure_ascii=False))),
    ])


def _passes(folded: list[str]) -> list[tuple[int, str, str]]:
    """(gram length, lowest first character, first character above) of each building pass.
    Trigrams are the most numerous (240,000 distinct ones in 10 MB): for a large rulebook
    they are built in several passes over ranges of first characters, in order, each range
    about as common, so that only part of them is in memory at a time; bigrams likewise in
    fewer passes. For 10 MB: 12 and 3 passes, 19 MB at most instead of 43 MB with 3 and 1
    (a pass finds its grams' positions in C, so the passes cost no more time in all)."""
    characters = sum(map(len, folded))
    parts = max(1, min(_MOST_PASSES, characters // _CHARACTERS_PER_PASS))
    if parts == 1:
        return [(length, "", _ABOVE_ALL) for length in range(1, GRAM_MAX + 1)]
    frequency: Counter[str] = Counter()
    for text in folded:
        frequency.update(text)
    order = sorted(frequency)
    passes = [(1, "", _ABOVE_ALL)]
    # Bigrams (a fifth as many distinct ones as trigrams, but most of them in many
    # sections) in a quarter as many passes.
    for length, count in ((2, max(1, parts // 4)), (GRAM_MAX, parts)):
        bounds, running, step = [""], 0, characters / count
        for character in order:
            if running >= step * len(bounds) and len(bounds) < count:
                bounds.append(character)
            running += frequency[character]
        bounds.append(_ABOVE_ALL)
        passes += [(length, low, high) for low, high in zip(bounds, bounds[1:])]
    return passes


def _range_numbers(folded: list[str], lows: list[str]) -> list[bytes]:
    """For each section, a byte per character: which of the ranges starting at ``lows``
    (sorted, the first "") holds it. Made once for all passes over one gram length, so
    that a pass finds its grams' positions with a regular expression, in C (3.6 MB for 10 MB)."""
    characters: set[str] = set()
    characters.update(*folded)
    number = {character: chr(bisect_right(lows, character) - 1) for character in characters}
    return ["".join(map(number.__getitem__, text)).encode("latin-1") for text in folded]


def _in_order(grams) -> list[str]:
    """The grams sorted, a first character at a time: one sort of 240,000 grams would hold
    the interpreter lock for a third of a second while an app's screen waits to repaint."""
    by_first: defaultdict[str, list[str]] = defaultdict(list)
    for gram in grams:
        by_first[gram[0]].append(gram)
    return [gram for first in sorted(by_first) for gram in sorted(by_first[first])]


def _chunk_row(key: str, chunk: int, grams: list[str], parts: list[bytes], fences: list) -> tuple:
    fences.append((grams[0], chunk))
    offsets = array(_OFFSET_TYPECODE, accumulate(map(len, parts), initial=0))
    return key, chunk, "\x00".join(grams), offsets.tobytes(), b"".join(parts)
