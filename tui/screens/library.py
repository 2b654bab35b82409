"""The drill library: every built-in and user drill, in a table."""

from __future__ import annotations

from tui.safe_text import literal
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from drills.catalog import Library
from tui.i18n import text


class LibraryScreen(Screen[None]):
    BINDINGS = [Binding("q", "app.quit", "Quit", id="library.quit")]

    def __init__(self, library: Library, language: str) -> None:
        super().__init__()
        self.library = library
        self.language = language

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(text(self.language, "library.heading"), id="library-heading")
        yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        if self.library.problems:
            yield Static(text(self.language, "library.problems", count=len(self.library.problems)), id="library-problems")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        columns = ("title", "language", "difficulty", "length", "competencies")
        for column in columns:
            table.add_column(text(self.language, f"library.columns.{column}"), key=column)
        drills = sorted(self.library.drills, key=lambda d: (d.scenario.language != self.language, d.scenario.id))
        for drill in drills:
            scenario = drill.scenario
            competencies = "、".join(text(self.language, f"competency.{c.value}") for c in scenario.competencies)
            table.add_row(
                # literal(...) keeps drill-file content literal: no Rich markup is interpreted.
                literal(scenario.title), scenario.language,
                text(self.language, f"difficulty.{scenario.difficulty.value}"),
                text(self.language, "library.minutes", minutes=int(scenario.length)),
                literal(competencies),
                key=f"{scenario.id}:{scenario.language}",
            )
