"""The Textual app. One factory (``create_app``) serves the command line and the tests."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from drills.catalog import Library
from tui.content import current_library
from tui.i18n import text
from tui.screens.library import LibraryScreen
from tui.settings import Settings


class DutyDrillApp(App[None]):
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [Binding("q", "quit", "Quit", id="app.quit")]

    def __init__(self, settings: Settings, library: Library) -> None:
        super().__init__()
        self.settings = settings
        self.library = library
        self.title = text(settings.language, "app.title")
        self.sub_title = text(settings.language, "app.subtitle")

    def on_mount(self) -> None:
        self.push_screen(LibraryScreen(self.library, self.settings.language))


def create_app(settings: Settings, library: Library | None = None) -> DutyDrillApp:
    return DutyDrillApp(settings, library if library is not None else current_library())


def run_app(settings: Settings) -> None:
    create_app(settings).run()
