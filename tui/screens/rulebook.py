"""The rulebook: search as you type, read one section beside its document's contents,
follow links between sections. F1 opens it from anywhere, mid-drill included.

The drill underneath keeps ticking, so nothing here may hold the event loop: the
rulebook is loaded and indexed in a thread worker (once per edition, then cached), a
keystroke costs one search in the in-memory index after a short debounce, at most
``RESULT_LIMIT`` rows are painted, and only the section on show is rendered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from knowledge.model import Document, Rulebook, Section
from knowledge.rulebook import cached_rulebook
from knowledge.search import MAX_QUERY_CHARACTERS, QueryError, SearchIndex
from tui.keys import binding, localize_bindings
from tui.safe_text import literal
from tui.widgets.rulebook_search import ResultList, SearchBox
from tui.widgets.rulebook_section import RenderedSection, SectionView

RESULT_LIMIT = 30
SEARCH_DELAY = 0.08  # seconds of typing quiet before searching: one search per burst

_indexes: dict[tuple[Path, str], SearchIndex] = {}
_indexes_lock = threading.Lock()


def rulebook_index(language: str, directory: Path | None = None) -> SearchIndex:
    """The search index of one edition, rebuilt only when its files change."""
    rulebook = cached_rulebook(language, directory)
    key = (rulebook.directory.resolve(), language)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None or index.rulebook is not rulebook:
            index = _indexes[key] = SearchIndex(rulebook)
    return index


class RulebookScreen(Screen[None]):
    BINDINGS = [
        binding("rulebook.close", "close"),
        binding("rulebook.search", "focus_search", priority=True),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    @dataclass
    class RulebookLoaded(Message):
        index: SearchIndex

    @dataclass
    class SectionRendered(Message):
        rendered: RenderedSection

    def __init__(self, query: str = "", section: str = "", directory: Path | None = None) -> None:
        super().__init__()
        self.initial_query = query
        self.initial_section = section
        self.directory = directory
        self.index: SearchIndex | None = None
        self.current: Section | None = None
        self._toc_document: str | None = None
        self._shown: Section | None = None  # the section the heading, contents and links are for
        self._search_timer: Timer | None = None
        self._searched: str | None = None  # the query the results list shows

    @property
    def rulebook(self) -> Rulebook | None:
        return self.index.rulebook if self.index else None

    def t(self, key: str, **values: object) -> str:
        return self.app.t(key, **values)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        localize_bindings(self, self.app.language)  # type: ignore[attr-defined]
        yield Header()
        yield SearchBox(value=self.initial_query[:MAX_QUERY_CHARACTERS], placeholder=self.t("rulebook.search.placeholder"),
                        max_length=MAX_QUERY_CHARACTERS, id="rulebook-search")
        yield Static(self.t("rulebook.loading"), id="rulebook-status")
        with ContentSwitcher(initial="rulebook-results", id="rulebook-views"):
            yield ResultList(id="rulebook-results")
            with Horizontal(id="rulebook-reader"):
                with Vertical(id="rulebook-toc-pane"):
                    yield Static(self.t("rulebook.contents"), id="rulebook-contents")
                    yield OptionList(id="rulebook-toc")
                with Vertical(id="rulebook-page"):
                    yield Static(id="rulebook-heading")
                    yield SectionView(id="rulebook-section")
                    yield Static(self.t("rulebook.links"), id="rulebook-links-heading")
                    yield OptionList(id="rulebook-links")
        yield Static(id="rulebook-notice")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.t("rulebook.title")
        self.query_one("#rulebook-search", SearchBox).focus()
        self.load_rulebook(self.app.language)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="rulebook-load")
    def load_rulebook(self, language: str) -> None:
        # Parsing and indexing take milliseconds to seconds with the rulebook's size:
        # off the UI thread, so the drill clock underneath never waits for them.
        self.post_message(self.RulebookLoaded(rulebook_index(language, self.directory)))

    def on_rulebook_screen_rulebook_loaded(self, message: RulebookLoaded) -> None:
        self.index = rulebook = message.index
        notices = []
        if any(document.sample for document in rulebook.rulebook.documents.values()):
            notices.append(self.t("rulebook.sample"))
        if rulebook.rulebook.problems:
            notices.append(self.t("rulebook.problems", count=len(rulebook.rulebook.problems)))
        self.query_one("#rulebook-notice", Static).update(literal("  ".join(notices)))
        if not rulebook.rulebook.sections:
            self._status(self.t("rulebook.empty", directory=rulebook.rulebook.directory))
            return
        self.run_search()
        if self.initial_section:
            self.show_section(self.initial_section)

    # Searching

    def on_input_changed(self, event: SearchBox.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.search_typed)

    def search_typed(self) -> None:
        self._search_timer = None
        query = self.query_one("#rulebook-search", SearchBox).value
        if self.index is None or query == self._searched:
            return  # not loaded yet (loading searches), or the initial value echoing back
        self.run_search()
        if query.strip():
            self._show_view("rulebook-results")

    def on_input_submitted(self, event: SearchBox.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self.run_search()
        results = self.query_one("#rulebook-results", ResultList)
        option = results.highlighted_option
        if option is not None and option.id:
            self.show_section(option.id)

    def run_search(self) -> None:
        """Search the index for what the box holds and show the ranked hits."""
        if self.index is None:
            return
        query = self.query_one("#rulebook-search", SearchBox).value
        results = self.query_one("#rulebook-results", ResultList)
        self._searched = query
        if not query.strip():
            results.show_documents(self._documents())
            self._status(self.t("rulebook.search.hint"))
            return
        try:
            found = self.index.search(query, RESULT_LIMIT)
        except QueryError:
            results.clear_options()
            self._status(self.t("rulebook.search.invalid"))
            return
        results.show(found.hits)
        if not found.hits:
            self._status(self.t("rulebook.search.none", query=query.strip()))
        elif found.total > len(found.hits):
            self._status(self.t("rulebook.search.count", total=found.total, shown=len(found.hits)))
        else:
            self._status(self.t("rulebook.search.count_all", total=found.total))

    def _documents(self) -> list[tuple[str, str, str]]:
        """Each document as (first section id, title, details) for the browse list."""
        rulebook = self.rulebook
        if rulebook is None:
            return []
        counts: dict[str, int] = {}
        first: dict[str, str] = {}
        for section in rulebook.sections.values():
            counts[section.document] = counts.get(section.document, 0) + 1
            first.setdefault(section.document, section.id)
        rows = []
        for document_id, section_id in first.items():
            document = rulebook.documents[document_id]
            details = [self.t("rulebook.document.sections", count=counts[document_id]),
                       *self._document_details(document, effective=False)]
            rows.append((section_id, document.title, " · ".join(details)))
        return rows

    def _document_details(self, document: Document, effective: bool = True) -> list[str]:
        details = []
        if document.version:
            details.append(self.t("rulebook.document.version", version=document.version))
        if effective and document.effective:
            details.append(self.t("rulebook.document.effective", effective=document.effective.isoformat()))
        if document.sample:
            details.append(self.t("rulebook.sample_document"))
        return details

    def action_focus_search(self) -> None:
        search = self.query_one("#rulebook-search", SearchBox)
        search.focus()
        search.select_all()
        if search.value.strip():
            if search.value != self._searched:
                self.run_search()
            self._show_view("rulebook-results")

    # Reading

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.show_section(event.option.id)

    def on_section_view_link_followed(self, message: SectionView.LinkFollowed) -> None:
        self.show_section(message.target)

    def show_section(self, section_id: str) -> None:
        """Show one section beside its document's contents, with its outgoing links.

        The text is rendered in a worker at the view's width. When the reader is already
        on screen everything changes at once as the text arrives; otherwise the reader is
        laid out first (heading, contents, links) to learn that width.
        """
        rulebook = self.rulebook
        section = rulebook.section(section_id) if rulebook else None
        if rulebook is None or section is None:
            message = self.t("rulebook.section.missing", section=section_id)
            self._status(message)
            self.notify(message, severity="warning", markup=False)  # the id may come from a file
            return
        self.current = section
        view = self.query_one("#rulebook-section", SectionView)
        if self._reading() and view.text_width > 0:
            self.render_section(section, view.text_width)
        else:
            self._display(section, None)
            self.call_after_refresh(self._render_current, section)

    def _reading(self) -> bool:
        return self.query_one("#rulebook-views", ContentSwitcher).current == "rulebook-reader"

    def _render_current(self, section: Section) -> None:
        if self.current is section:
            self.render_section(section, self.query_one("#rulebook-section", SectionView).text_width)

    @work(thread=True, exclusive=True, group="rulebook-render")
    def render_section(self, section: Section, width: int) -> None:
        rendered = RenderedSection(section)
        rendered.strips(width)
        self.post_message(self.SectionRendered(rendered))

    def on_rulebook_screen_section_rendered(self, message: SectionRendered) -> None:
        if self.current is not None and message.rendered.section_id == self.current.id:
            self._display(self.current, message.rendered)

    def _display(self, section: Section, rendered: RenderedSection | None) -> None:
        rulebook = self.rulebook
        assert rulebook is not None
        view = self.query_one("#rulebook-section", SectionView)
        if self._shown is not section:
            self._shown = section
            document = rulebook.document_of(section)
            self._fill_contents(rulebook, section, document)
            # Two lines cut to the width (CSS): the heading's size never changes, so no layout.
            self.query_one("#rulebook-heading", Static).update(self._heading(section, document), layout=False)
            self._fill_links(rulebook, section)
            self._show_view("rulebook-reader")
            if not self.query_one("#rulebook-toc", OptionList).has_focus:
                view.focus()
        view.show(rendered)

    def _fill_contents(self, rulebook: Rulebook, section: Section, document: Document | None) -> None:
        toc = self.query_one("#rulebook-toc", OptionList)
        if self._toc_document != section.document:
            self._toc_document = section.document
            sections = [s for s in rulebook.sections.values() if s.document == section.document]
            top = min((s.level for s in sections), default=1)
            toc.set_options(Option(literal("  " * (s.level - top) + s.title), id=s.id) for s in sections)
        toc.highlighted = toc.get_option_index(section.id)

    def _heading(self, section: Section, document: Document | None) -> Text:
        """The title, then the document, the section's id (as scorecards cite it) and dates."""
        heading = literal(section.title, "bold")
        if document is None:
            return heading
        details = [document.title, section.id, *self._document_details(document)]
        heading.append("\n")
        heading.append_text(literal(" · ".join(details), "dim"))
        return heading

    def _fill_links(self, rulebook: Rulebook, section: Section) -> None:
        links = self.query_one("#rulebook-links", OptionList)
        targets = list(dict.fromkeys(link.target for link in section.links))
        options = []
        for target in targets:
            linked = rulebook.section(target)
            label = f"→ {linked.title}" if linked else self.t("rulebook.link.missing", target=target)
            options.append(Option(literal(label), id=target, disabled=linked is None))
        links.set_options(options)
        links.highlighted = 0 if options else None
        links.display = bool(options)
        heading = self.query_one("#rulebook-links-heading", Static)
        heading.update(literal(self.t("rulebook.links") if options else self.t("rulebook.links.none")))

    def _show_view(self, view: str) -> None:
        self.query_one("#rulebook-views", ContentSwitcher).current = view

    def _status(self, message: str) -> None:
        self.query_one("#rulebook-status", Static).update(literal(message))

    def action_close(self) -> None:
        self.app.pop_screen()
