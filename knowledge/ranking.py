"""Search through the postings (knowledge/postings.py): the exact matches, and the top
``limit`` of them by the score of knowledge/search.py, computing as few scores as it can.

Matches: a term of one to three characters has postings listing exactly the sections
holding it; a longer term's candidates are the sections holding one of its trigrams, each
confirmed from what the postings record about the trigram's first occurrence (where it is,
the character after it), or else by searching the section. Totals and recall are exact.

Ranking: a section with one more term in its title always scores higher (100 points
against at most ``brevity × log2(1 + its length) + 1`` for the rest, checked per rulebook),
so only the title tiers needed to fill ``limit`` are scored. Within a tier, a single term's
sections are visited in the order of their postings' ceilings (of the term, or of the
trigram chosen for it, which occurs at least as often), and the visit stops once the next
section's best possible score, ``ceiling + 1``, is below the ``limit``-th best found.
"""

from __future__ import annotations

from heapq import heappush, heappushpop
from itertools import compress, repeat
from operator import and_, contains, eq, ge, not_, sub

from knowledge.postings import GRAM_MAX, NO_CHARACTER, SCORE_CAP, SCORE_STEPS

_MARGIN = 1.000001  # the offset part of a score is at most 1; a hair more for float rounding
_SCORE_ALL_BELOW = 64  # a tier this small is scored whole rather than visited in order
_SCORE_ALL_BELOW_CHECKED = 512  # the same for a longer term, whose trigram's ceilings are looser


def matched_with_postings(index, reader, terms: list[str]) -> tuple[set[int], dict[str, set[int]], dict[str, tuple]]:
    """(every matching section, per term the matching sections with it in the title,
    per term the postings (title keys, keys, first positions, following characters) of the
    term or of the trigram chosen for it, to visit in order of ceilings)."""
    plans = []
    for term in terms:
        if len(term) <= GRAM_MAX:
            entry = reader.get(term)
            if entry is None:
                return set(), {}, {}
            plans.append((term, entry, 0))
            continue
        # A longer term: its rarest trigram (checking a candidate for the whole term costs
        # about what intersecting with a second trigram's postings would save) or, for a
        # term one character longer than a trigram, its first trigram if not much commoner:
        # the character after that trigram's first occurrence then confirms most candidates.
        entries = []
        last = len(term) - GRAM_MAX
        for offset in sorted({0, last // 2, last}):  # three trigrams at most: reading each costs
            entry = reader.get(term[offset : offset + GRAM_MAX])
            if entry is None:
                return set(), {}, {}
            entries.append((len(entry[1]), offset, entry))
        size, offset, entry = min(entries, key=lambda item: item[:2])
        if len(term) == GRAM_MAX + 1 and entries[0][0] <= 2 * size:
            size, offset, entry = entries[0]
        plans.append((term, entry, offset))
    plans.sort(key=lambda plan: len(plan[1][1]))
    mask = reader.mask
    candidates = list(map(and_, plans[0][1][1], repeat(mask)))
    firsts, following = plans[0][1][2], plans[0][1][3]
    if len(plans) > 1:
        others = set(map(and_, plans[1][1][1], repeat(mask)))
        for _, entry, _ in plans[2:]:
            others.intersection_update(map(and_, entry[1], repeat(mask)))
        keep = list(map(others.__contains__, candidates))
        candidates = list(compress(candidates, keep))
        firsts = list(compress(firsts, keep)) if firsts else firsts
        following = list(compress(following, keep)) if following else following
    folded, title_lengths = index._folded, index._title_lengths
    for term, _, offset in plans:
        if len(term) <= GRAM_MAX or not candidates:
            continue
        if term == plans[0][0] and following and offset == 0 and len(term) == GRAM_MAX + 1 and ord(term[-1]) < NO_CHARACTER:
            candidates = _followed_by(folded, term, candidates, following)
        elif term == plans[0][0] and firsts:
            candidates = _containing_from(folded, term, candidates, map(sub, firsts, repeat(offset)))
        else:
            candidates = list(_containing(folded, term, candidates))
    matched = set(candidates)
    titles: dict[str, set[int]] = {}
    for term, entry, _ in plans:
        in_title = reader.sections_of(entry[0]) & matched
        titles[term] = in_title if len(term) <= GRAM_MAX else set(_containing(folded, term, list(in_title), title_lengths))
    return matched, titles, {term: entry for term, entry, _ in plans}


def _followed_by(folded: list[str], term: str, sections: list[int], following) -> list[int]:
    """The sections holding ``term`` (a trigram and one character): confirmed at once where
    the character after the trigram's first occurrence is the term's last, else searched."""
    found = list(map(eq, following, repeat(ord(term[-1]))))
    holding = list(compress(sections, found))
    if len(holding) < len(sections):
        holding += _containing(folded, term, list(compress(sections, map(not_, found))))
    return holding


def _containing_from(folded: list[str], term: str, sections: list[int], starts) -> list[int]:
    """The sections holding ``term``, tried first where the trigram chosen for it first
    occurs (that is where a common term nearly always is), then anywhere."""
    found = list(map(str.startswith, map(folded.__getitem__, sections), repeat(term), starts))
    holding = list(compress(sections, found))
    if len(holding) < len(sections):
        holding += _containing(folded, term, list(compress(sections, map(not_, found))))
    return holding


def _containing(folded: list[str], term: str, sections: list[int], title_lengths: list[int] | None = None):
    """The sections holding ``term`` (in their title only, given the titles' lengths)."""
    texts = map(folded.__getitem__, sections)
    if title_lengths is None:
        return compress(sections, map(contains, texts, repeat(term)))
    found = map(str.find, texts, repeat(term), repeat(0), map(title_lengths.__getitem__, sections))
    return compress(sections, map(ge, found, repeat(0)))


def ranked_with_postings(index, reader, terms: list[str], limit: int) -> tuple[list[tuple[int, float]], int]:
    """The best ``limit`` (section, score) pairs, best first (ties in document order), and the total."""
    if len(terms) == 1 and len(terms[0]) <= GRAM_MAX and index._tiers_hold:
        entry = reader.get(terms[0])
        if entry is None:
            return [], 0
        total = len(entry[1])
        return (_ranked_single(index, reader, terms, None, reader.sections_of(entry[0]), entry, limit) if limit else []), total
    matched, titles, visit = matched_with_postings(index, reader, terms)
    if not limit or not matched:
        return [], len(matched)
    if not index._tiers_hold:
        every = list(matched)
        return _best(list(zip(every, index.scores(every, terms))), limit), len(matched)
    if len(terms) == 1:  # a longer term: visit the postings of the trigram chosen for it
        return _ranked_single(index, reader, terms, matched, titles[terms[0]], visit[terms[0]], limit), len(matched)
    in_title: dict[int, int] = {}
    for sections in titles.values():
        for section in sections:
            in_title[section] = in_title.get(section, 0) + 1
    tiers: dict[int, list[int]] = {}
    for section, count in in_title.items():
        tiers.setdefault(count, []).append(section)
    scored: list[tuple[int, float]] = []
    for count in sorted(tiers, reverse=True):
        scored += zip(tiers[count], index.scores(tiers[count], terms))
        if len(scored) >= limit:
            return _best(scored, limit), len(matched)
    rest = [section for section in matched if section not in in_title]
    scored += zip(rest, index.scores(rest, terms))
    return _best(scored, limit), len(matched)


def _ranked_single(index, reader, terms, matched, in_title, keys, limit) -> list[tuple[int, float]]:
    """``matched`` is None when the visited postings are the term's own (exact), not a trigram's."""
    title_keys, all_keys = keys[0], keys[1]
    if len(in_title) <= max(limit, _SCORE_ALL_BELOW):
        best = list(zip(in_title, index.scores(list(in_title), terms)))
    else:
        best = _visit(index, reader, title_keys, terms, limit, None if matched is None else in_title, None, 100)
    if len(best) < limit:
        rest = limit - len(best)
        matching = len(all_keys) if matched is None else len(matched)
        if matching - len(in_title) <= max(rest, _SCORE_ALL_BELOW if matched is None else _SCORE_ALL_BELOW_CHECKED):
            others = list((reader.sections_of(all_keys) if matched is None else matched) - in_title)
            best += zip(others, index.scores(others, terms))
        else:
            best += _visit(index, reader, all_keys, terms, rest, matched, in_title, 0)
    return _best(best, limit)


def _visit(index, reader, keys, terms, need, accept, skip, base) -> list[tuple[int, float]]:
    """The best ``need`` sections of ``keys`` (highest ceilings first) that are in ``accept``
    (None: all) and not in ``skip``, stopping before the first that cannot beat them.
    Keys are taken a growing batch at a time so that scores are computed in bulk."""
    shift, mask = reader.shift, reader.mask
    heap: list[tuple[float, int]] = []  # (score, -section): the weakest of the best on top
    position, batch = 0, max(need, 16)
    while position < len(keys):
        if len(heap) == need:
            ceiling = SCORE_CAP - (keys[position] >> shift)
            if ceiling < SCORE_CAP and base + ceiling / SCORE_STEPS + _MARGIN < heap[0][0]:
                break
        sections = [key & mask for key in keys[position : position + batch]]
        position += batch
        batch = min(batch * 2, 512)
        if accept is not None:
            sections = [section for section in sections if section in accept]
        if skip:
            sections = [section for section in sections if section not in skip]
        for section, score in zip(sections, index.scores(sections, terms)):
            if len(heap) < need:
                heappush(heap, (score, -section))
            elif score >= heap[0][0]:
                heappushpop(heap, (score, -section))
    return [(-negative, score) for score, negative in heap]


def _best(scored: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    return sorted(scored, key=lambda item: (-item[1], item[0]))[:limit]
