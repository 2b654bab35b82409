"""The rulebook's search field and its ranked result list.

Rulebook text and typed queries are untrusted: every piece goes into a Rich ``Text`` as a
plain string (never parsed as markup) with control characters removed, and the matched
spans are styled from the offsets the index returns, not by marking strings up.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from knowledge.search import SearchHit
from tui.safe_text import strip_controls

_SPACES = str.maketrans("\t\n\r\v\f\u2028\u2029", "       ")


def clean_query_text(text: str) -> str:
    """Typed or pasted text as the search box keeps it: one line, no control characters."""
    return strip_controls(text.translate(_SPACES))


class SearchBox(Input):
    """An Input that cleans what is typed or pasted and cuts a paste that does not fit
    ``max_length`` to the room left, rather than refusing it whole."""

    def replace(self, text: str, start: int, end: int) -> None:
        clean = clean_query_text(text)
        if self.max_length:
            room = self.max_length - (len(self.value) - (end - start))
            clean = clean[: max(room, 0)]
        if clean or not text or end > start:
            super().replace(clean, start, end)


def marked(text: str, spans: tuple[tuple[int, int], ...], highlight: Style) -> Text:
    """``text`` with the [start, end) ``spans`` in the highlight style, controls removed
    piece by piece so that the offsets still point at the right characters."""
    out = Text()
    cursor = 0
    for start, end in spans:
        out.append(strip_controls(text[cursor:start]))
        out.append(strip_controls(text[start:end]), highlight)
        cursor = end
    out.append(strip_controls(text[cursor:]))
    return out


class ResultList(OptionList):
    """Search hits, best first: the section title and its document on one line, the
    snippet under it, matches highlighted in the ``--match`` component style. With no
    query it lists the documents instead, each opening at its first section."""

    COMPONENT_CLASSES = {"result-list--match", "result-list--title", "result-list--document"}

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"result-list--{name}", partial=True)

    def show(self, hits: tuple[SearchHit, ...]) -> None:
        match, title, document = self._style("match"), self._style("title"), self._style("document")
        self._set([Option(self.prompt(hit, match, title, document), id=hit.id) for hit in hits], divided=True)

    def show_documents(self, documents: list[tuple[str, str, str]]) -> None:
        """``documents`` as (first section id, title, details) rows."""
        title, details = self._style("title"), self._style("document")
        options = []
        for section_id, name, detail in documents:
            prompt = Text(strip_controls(name), title)
            prompt.append("  ")
            prompt.append(strip_controls(detail), details)
            options.append(Option(prompt, id=section_id))
        self._set(options, divided=False)

    def _set(self, options: list[Option], divided: bool) -> None:
        # A divider after each row keeps two-line rows apart without a blank line to highlight.
        self.set_options(item for option in options for item in ((option, None) if divided else (option,)))
        self.highlighted = 0 if options else None

    @staticmethod
    def prompt(hit: SearchHit, match: Style, title: Style, document: Style) -> Text:
        prompt = marked(hit.title, hit.title_spans, match)
        prompt.stylize_before(title)
        prompt.append("  ")
        prompt.append(strip_controls(hit.document_title), document)
        prompt.append("\n")
        prompt.append_text(marked(hit.snippet.text, hit.snippet.spans, match))
        return prompt
