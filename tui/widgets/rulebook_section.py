"""One rulebook section rendered from its Markdown, with followable internal links.

Rich's Markdown renderer, not Textual's Markdown widget: the widget mounts one widget per
block and stalls the event loop (``../shared/style.md``). Even Rich takes 2–12 ms for a
sample section and far more for a long one, and a ``Static`` is rendered twice (to
measure its height, then to paint) and re-lays the screen out, so ``RenderedSection``
renders once per width and keeps the lines: the screen renders it in a worker thread
at the view's width, and the UI thread only paints the visible lines.

Rich draws ``[text](#id)`` as a terminal hyperlink; ``LinkedMarkdown`` turns that into a
click action, so a click follows the link inside the app and the terminal is never
handed a URL from the file.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from knowledge.model import Section
from tui.safe_text import strip_controls


def section_body(section: Section) -> str:
    """The section's Markdown without its heading line (the screen shows the title itself),
    control characters and escape sequences removed."""
    _heading, _newline, body = section.source.partition("\n")
    return strip_controls(body).strip("\n")


def link_target(href: str) -> str | None:
    """The section id of an internal link (``#id`` or ``file.md#id``); None for web links."""
    if "://" in href or href.startswith("mailto:"):
        return None
    before, hash_mark, fragment = href.partition("#")
    if not hash_mark or (before and not before.endswith(".md")) or not fragment:
        return None
    return fragment


class LinkedMarkdown:
    """Rich Markdown whose internal links run ``follow_link(id)`` on the widget when clicked;
    other links lose their hyperlink and show as plain underlined text."""

    def __init__(self, markdown: str) -> None:
        self.markdown = Markdown(markdown, hyperlinks=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.markdown, options):
            style = segment.style
            if style is None or not style.link:
                yield segment
                continue
            plain = style.clear_meta_and_links() + Style(underline=True)
            target = link_target(style.link)
            if target is not None:
                plain += Style.from_meta({"@click": f"follow_link({target!r})"})
            yield Segment(segment.text, plain, segment.control)


class RenderedSection:
    """A section's Markdown rendered into lines (``Strip``s), once per width."""

    def __init__(self, section: Section) -> None:
        self.section_id = section.id
        self.markdown = LinkedMarkdown(section_body(section))
        self._strips: dict[int, list[Strip]] = {}
        self._lock = threading.Lock()

    def strips(self, width: int) -> list[Strip]:
        """The lines at ``width``, rendered now with a private console if not yet done
        (safe off the UI thread: nothing here touches the app)."""
        with self._lock:
            strips = self._strips.get(width)
            if strips is None:
                console = Console(width=width, file=io.StringIO(), force_terminal=True, legacy_windows=False,
                                  markup=False, emoji=False, highlight=False, safe_box=False)
                lines = console.render_lines(self.markdown, console.options, pad=False)
                strips = self._strips[width] = [Strip(line) for line in lines]
        return strips


class SectionView(ScrollView, can_focus=True):
    """Shows a ``RenderedSection`` line by line, like Textual's ``Log``: a new section
    changes the virtual size only, never the screen's layout, and only the visible lines
    are painted. Clicking a link posts ``LinkFollowed``."""

    @dataclass
    class LinkFollowed(Message):
        """A link to another section was clicked."""

        target: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rendered: RenderedSection | None = None
        self._strips: list[Strip] = []

    @property
    def text_width(self) -> int:
        """The width sections are rendered at (the scrollbar gutter is kept, so it holds)."""
        return self.scrollable_content_region.width

    @property
    def lines(self) -> list[Strip]:
        """The rendered lines of the section on show (empty while it is being rendered)."""
        return self._strips

    def show(self, rendered: RenderedSection | None) -> None:
        self.rendered = rendered
        self._load()
        self.scroll_home(animate=False, immediate=True)

    def _load(self) -> None:
        width = self.text_width
        self._strips = self.rendered.strips(width) if self.rendered is not None and width > 0 else []
        self.virtual_size = Size(width, len(self._strips))
        self.refresh()

    def on_resize(self) -> None:
        if self.rendered is not None and self.virtual_size.width != self.text_width:
            self._load()  # renders at the new width on this thread: resizing is rare

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.text_width
        style = self.rich_style
        index = scroll_y + y
        if index >= len(self._strips):
            return Strip.blank(width, style)
        return self._strips[index].crop_extend(scroll_x, scroll_x + width, style).apply_style(style)

    def action_follow_link(self, target: str) -> None:
        self.post_message(self.LinkFollowed(target))
