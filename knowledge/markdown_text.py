"""Markdown to plain text with markdown-it-py: blocks, inline markup, heading ids.

The block structure always comes from markdown-it. Inline parsing is the slow half of
markdown-it-py, and most rulebook paragraphs (Chinese prose) contain no inline markup
character at all; those take a shortcut that yields exactly what the inline parser
would (a test holds the two paths equal), which keeps a 10 MB rulebook under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.token import Token

from knowledge.model import Link

# Characters that can start or end inline markup in CommonMark plus the table and
# strikethrough extensions; text without any of them is plain text already.
_INLINE_MARKUP = re.compile(r"[*_`\[\]!<&\\~]")
# Every markup character but the emphasis ones: text with ``*`` or ``_`` and none of
# these can only hold emphasis (most rulebook markup is **bold**).
_NON_EMPHASIS_MARKUP = re.compile(r"[`\[\]!<&\\~]")
_STAR_RUN = re.compile(r"\*+")
HEADING_ID = re.compile(r"[ \t]*\{#([^{}]*)\}[ \t]*$")
_NEWLINES = re.compile(r"\r\n?")

_block_parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
_inline_parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# The same inline parser with only the rules that can fire on text whose markup
# characters are ``*`` and ``_``: every other rule starts at a character in
# _NON_EMPHASIS_MARKUP, so the tokens are the same (a test holds the two equal), and
# fewer rules are tried at each position.
_emphasis_parser = MarkdownIt("commonmark")
_emphasis_parser.inline.ruler.enableOnly(["text", "newline", "emphasis"])
_emphasis_parser.inline.ruler2.enableOnly(["balance_pairs", "emphasis", "fragments_join"])


def normalize_newlines(text: str) -> str:
    """Line endings as markdown-it sees them, so our line numbers match its token maps."""
    return _NEWLINES.sub("\n", text).replace("\x00", "\ufffd")


def parse_blocks(body: str) -> tuple[list[Token], dict]:
    """Block tokens (inline children left unparsed) and the env holding link references."""
    env: dict = {}
    return _block_parser.parse(body, env), env


def _is_wide(character: str) -> bool:
    # CJK and full-width text is written without spaces, so a line break inside a
    # Chinese paragraph joins the two halves directly (应急\n预案 reads 应急预案).
    return bool(character) and ord(character) >= 0x2E80


def _soft_joint(before: str, after: str) -> str:
    return "" if _is_wide(before[-1:]) and _is_wide(after[:1]) else " "


@dataclass(slots=True)
class InlineText:
    """The plain text of one inline run and the internal links found in it."""

    text: str
    links: list[Link] = field(default_factory=list)


def inline_plain_text(content: str, first_line: int, env: dict | None = None) -> InlineText:
    """Strip inline markup from ``content`` (a paragraph, cell or heading).

    ``first_line`` is the 1-based file line where the content starts, for link lines.
    """
    if _INLINE_MARKUP.search(content):
        plain = _without_strong_pairs(content)
        if plain is None:
            return parsed_inline_text(content, first_line, env)
        content = plain  # any ** left is literal text
    if "\n" not in content:
        return InlineText(content)
    return InlineText(_join_plain_lines(content.split("\n")))


def _without_strong_pairs(content: str) -> str | None:
    """``content`` without its ``**`` pairs if that is all its markup can be (every run of
    ``*`` two long, no other markup character), else None.

    This is markdown-it's emphasis rule for that case: each run is scanned as in
    ``StateInline.scanDelims`` (``*`` may split words, so it can open when left-flanking
    and close when right-flanking), and a closer takes the nearest open opener (with
    runs of two, the rule of three never applies), so a pair becomes strong emphasis
    (no text) and an unmatched run stays as text. Line breaks are left for the caller,
    as for text without markup. A test holds this equal to the inline parser.
    """
    if "_" in content or _NON_EMPHASIS_MARKUP.search(content):
        return None
    if "\t" in content and "\n" in content:
        return None  # markdown-it drops tabs that indent a line; the plain text path keeps them
    runs = [run.span() for run in _STAR_RUN.finditer(content)]
    if any(end - start != 2 for start, end in runs):
        return None
    openers: list[tuple[int, int]] = []
    matched: list[tuple[int, int]] = []
    for start, end in runs:
        before = content[start - 1] if start > 0 else " "
        after = content[end] if end < len(content) else " "
        before_punctuation = isMdAsciiPunct(ord(before)) or isPunctChar(before)
        after_punctuation = isMdAsciiPunct(ord(after)) or isPunctChar(after)
        before_space, after_space = isWhiteSpace(ord(before)), isWhiteSpace(ord(after))
        left_flanking = not (after_space or (after_punctuation and not (before_space or before_punctuation)))
        right_flanking = not (before_space or (before_punctuation and not (after_space or after_punctuation)))
        if right_flanking and openers:
            matched += (openers.pop(), (start, end))
        elif left_flanking:
            openers.append((start, end))
    if not matched:
        return content
    matched.sort()
    pieces, position = [], 0
    for start, end in matched:
        pieces.append(content[position:start])
        position = end
    pieces.append(content[position:])
    return "".join(pieces)


def parsed_inline_text(content: str, first_line: int, env: dict | None = None) -> InlineText:
    """``inline_plain_text`` without the plain-text shortcut: always through markdown-it's
    inline parser (the emphasis-only one when emphasis is all the markup there can be)."""
    parser = _inline_parser if _NON_EMPHASIS_MARKUP.search(content) else _emphasis_parser
    children = inline_tokens(content, env, parser)
    result = InlineText("")
    pieces: list[str | None] = []  # None marks a soft line break, resolved once both sides are known
    _render_children(children, pieces, result.links, [first_line])
    result.text = _resolve_soft_breaks(pieces)
    return result


def inline_tokens(content: str, env: dict | None = None, parser: MarkdownIt = _inline_parser) -> list[Token]:
    """markdown-it's inline tokens of ``content`` (by default through the full inline parser)."""
    children: list[Token] = []
    parser.inline.parse(content, parser, env if env is not None else {}, children)
    return children


def _join_plain_lines(lines: list[str]) -> str:
    # Same rule as markdown-it's newline rule: two trailing spaces make a hard break.
    pieces: list[str | None] = []
    for index, line in enumerate(lines):
        if index:
            hard = lines[index - 1].endswith("  ")
            pieces.append("\n" if hard else None)
        pieces.append(line.strip(" "))
    return _resolve_soft_breaks(pieces)


def _resolve_soft_breaks(pieces: list[str | None]) -> str:
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if piece is not None:
            out.append(piece)
            continue
        before = next((p for p in reversed(out) if p), "")
        after = next((p for p in pieces[index + 1 :] if p), "")
        out.append(_soft_joint(before, after))
    return "".join(out)


def _render_children(children: list[Token], pieces: list[str | None], links: list[Link], line: list[int]) -> None:
    for token in children:
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            pieces.append(token.content)
        elif kind == "softbreak":
            pieces.append(None)
            line[0] += 1
        elif kind == "hardbreak":
            pieces.append("\n")
            line[0] += 1
        elif kind == "link_open":
            target = _internal_target(str(token.attrGet("href") or ""))
            if target is not None:
                links.append(Link(target, line[0]))
        elif kind == "image" and token.children:
            _render_children(token.children, pieces, links, line)
        # Emphasis, strong, strike and raw inline HTML add no text of their own.


def _internal_target(href: str) -> str | None:
    """``#id`` (or ``file.md#id``) is a link to a section; web and mail links are not."""
    if "://" in href or href.startswith("mailto:"):
        return None
    before, hash_mark, fragment = href.partition("#")
    if not hash_mark or (before and not before.endswith(".md")):
        return None
    return fragment


@dataclass(slots=True)
class Heading:
    """A top-level heading: level, plain title, raw id (None if absent), 0-based body line."""

    level: int
    title: str
    id: str | None
    start: int


@dataclass(slots=True)
class SectionText:
    """A heading and the plain text of what lies under it, as lines, with its links."""

    heading: Heading
    lines: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def split_sections(tokens: list[Token], env: dict, line_offset: int) -> list[SectionText]:
    """Each top-level heading with the plain text up to the next heading of any level.

    Text before the first heading (the sample note) belongs to no section and is skipped.
    ``line_offset`` is how many file lines precede the Markdown body (the front matter).
    """
    sections: list[SectionText] = []
    lines: list[str] = []  # the current section's, or a throwaway list before the first heading
    links: list[Link] = []
    row: list[str] | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open" and token.level == 0:
            heading = _heading(token, tokens[index + 1], env, line_offset)
            sections.append(SectionText(heading))
            lines, links = sections[-1].lines, sections[-1].links
            index += 3  # heading_open, inline, heading_close
            continue
        if kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            lines.append("\t".join(row))
            row = None
        elif kind == "inline":
            first_line = (token.map[0] if token.map else 0) + line_offset + 1
            plain = inline_plain_text(token.content, first_line, env)
            links.extend(plain.links)
            (row if row is not None else lines).append(plain.text)
        elif kind in ("fence", "code_block"):
            lines.append(token.content.rstrip("\n"))
        index += 1
    return sections


def _heading(token: Token, inline: Token, env: dict, line_offset: int) -> Heading:
    start = token.map[0] if token.map else 0
    match = HEADING_ID.search(inline.content)
    raw_title = inline.content[: match.start()] if match else inline.content
    title = inline_plain_text(raw_title, start + line_offset + 1, env).text.strip()
    return Heading(int(token.tag[1]), title, match.group(1) if match else None, start)


def strip_heading_ids(source: str) -> str:
    """A section's Markdown as a reader wants it: without the ``{#id}`` on its heading."""
    heading, newline, rest = source.partition("\n")
    return HEADING_ID.sub("", heading) + newline + rest
