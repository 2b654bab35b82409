"""Snippets: a short window of a section's text around the first match, with the
matched spans as offsets (for a UI that styles them) and a marked form (for text output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARK_OPEN = "【"
MARK_CLOSE = "】"
SNIPPET_COLUMNS = 80  # terminal columns: about 40 Chinese or 80 Latin characters
LEADING_COLUMNS = 24  # shown before the first match
WORD_ALIGNMENT = 12  # at most this many characters dropped to avoid cutting a Latin word
ELLIPSIS = "…"
WIDE_FROM = 0x1100  # from here on a character takes two terminal columns
_WIDE_CHARACTER = chr(WIDE_FROM)
_WORD_PAIR = re.compile("[A-Za-z0-9]{2}")  # two ASCII letters or digits: a cut between them splits a word
_WORD_AHEAD = re.compile("[A-Za-z0-9]*")
_WORD_BEHIND = re.compile("[A-Za-z0-9]*\\Z")
_NARROW = re.compile(f"[\\x00-\\u{WIDE_FROM - 1:04x}]")


@dataclass(frozen=True, slots=True)
class Snippet:
    """One line of text; ``spans`` are [start, end) offsets of matches in ``text``."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def marked(self, open_mark: str = MARK_OPEN, close_mark: str = MARK_CLOSE) -> str:
        """The text with every span wrapped in the marks: ``…应当【立即】报告…``."""
        parts: list[str] = []
        cursor = 0
        for start, end in self.spans:
            parts.append(self.text[cursor:start])
            parts.append(f"{open_mark}{self.text[start:end]}{close_mark}")
            cursor = end
        parts.append(self.text[cursor:])
        return "".join(parts)


def find_spans(folded: str, terms: list[str], start: int = 0, end: int | None = None) -> tuple[tuple[int, int], ...]:
    """Merged spans of every occurrence of every term overlapping ``folded[start:end]``,
    clipped to that window and given relative to ``start``."""
    end = len(folded) if end is None else end
    spans: list[tuple[int, int]] = []
    for term in terms:
        position = folded.find(term, max(0, start - len(term) + 1), end + len(term) - 1)
        while position >= 0:
            spans.append((max(position, start) - start, min(position + len(term), end) - start))
            position = folded.find(term, position + 1, end + len(term) - 1)
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def build_snippet(text: str, folded: str, terms: list[str], columns: int = SNIPPET_COLUMNS) -> Snippet:
    """A window of ``text`` around the first match of any term (``folded`` is ``text``
    folded, offset for offset). A section that matched only in its title gets its opening."""
    firsts = [position for term in terms if (position := folded.find(term)) >= 0]
    first = min(firsts) if firsts else 0
    start = _columns_back(text, first, LEADING_COLUMNS)
    end = _columns_forward(text, start, columns)
    if end == len(text):  # near the end: use the room on the left instead
        start = min(start, _columns_back(text, end, columns))
    start, end = _align_to_words(text, start, end, first)
    spans = find_spans(folded, terms, start, end) if firsts else ()
    window = text[start:end].replace("\n", " ").replace("\t", " ").replace("\r", " ")  # one line
    if start > 0:
        window = ELLIPSIS + window
        spans = tuple((span_start + 1, span_end + 1) for span_start, span_end in spans)
    if end < len(text):
        window += ELLIPSIS
    return Snippet(window, spans)


def _fitting(chunk: str, columns: int) -> int:
    """How many characters from the start of ``chunk`` fit in ``columns`` terminal columns."""
    if not chunk:
        return 0
    if max(chunk) < _WIDE_CHARACTER:
        return min(len(chunk), columns)
    # Take as many characters as fit even if all are wide, count what they used, repeat:
    # a few C-level steps instead of a Python loop per character.
    taken = used = 0
    while taken < len(chunk):
        room = columns - used
        if room >= 2:
            piece = chunk[taken : taken + room // 2]
            taken += len(piece)
            used += 2 * len(piece) - len(_NARROW.findall(piece))
        elif room == 1 and chunk[taken] < _WIDE_CHARACTER:
            return taken + 1
        else:
            break
    return taken


def _columns_back(text: str, position: int, columns: int) -> int:
    """The start of the longest run ending at ``position`` that fits in ``columns``."""
    return position - _fitting(text[max(0, position - columns) : position][::-1], columns)


def _columns_forward(text: str, position: int, columns: int) -> int:
    """The end of the longest run starting at ``position`` that fits in ``columns``."""
    return position + _fitting(text[position : position + columns], columns)


def _align_to_words(text: str, start: int, end: int, first: int) -> tuple[int, int]:
    """Move cut points off the middle of a Latin word, never past the first match: a cut
    inside a run of ASCII letters and digits moves to the run's end (start) or start (end)."""
    limit = min(first, start + WORD_ALIGNMENT)
    if start < limit and _inside_word(text, start):
        start = min(limit, _WORD_AHEAD.match(text, start).end())  # type: ignore[union-attr]
    limit = max(first + 1, end - WORD_ALIGNMENT)
    if end > limit and _inside_word(text, end):
        end = max(limit, _WORD_BEHIND.search(text, limit, end).start())  # type: ignore[union-attr]
    return start, end


def _inside_word(text: str, position: int) -> bool:
    return 0 < position < len(text) and _WORD_PAIR.match(text, position - 1) is not None
