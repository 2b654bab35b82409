"""The Textual app. One factory (``create_app``) serves the command line and the tests.

The app holds what every screen shares (settings, drill library, records, policy) and
the actions any screen may call: open the rulebook (F1, even mid-drill), switch the
language, start a drill, show progress. Screens render and forward; the rules of the
domain stay in ``drills/``, ``scoring/`` and ``knowledge/``.
"""

from __future__ import annotations

import datetime
from typing import Iterable

import click
from textual.app import App, SystemCommand
from textual.screen import Screen

from drills.catalog import Library
from drills.database import DatabaseError
from drills.policy import Policy
from scoring.records import RecordsStore, Trainee, open_records
from tui.content import current_library, current_policy
from tui.i18n import text
from tui.keys import binding, localize_bindings
from tui.settings import Settings


def wall_clock() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


class DutyDrillApp(App[None]):
    CSS_PATH = ["styles/app.tcss", "styles/screens.tcss", "styles/drill_room.tcss", "styles/rulebook.tcss", "styles/debrief.tcss", "styles/progress.tcss"]
    BINDINGS = [
        binding("app.rulebook", "open_rulebook", priority=True),
        binding("app.quit", "quit", priority=True),
    ]

    def __init__(self, settings: Settings, library: Library, records: RecordsStore, policy: Policy) -> None:
        super().__init__()
        self.settings = settings
        self.language = settings.language
        self.library = library
        self.records = records
        self.policy = policy
        self.trainee: Trainee | None = None
        localize_bindings(self, self.language)
        self.title = text(self.language, "app.title")

    def t(self, key: str, **values: object) -> str:
        """Interface text in the current language."""
        return text(self.language, key, **values)

    def on_mount(self) -> None:
        from tui.screens.start import StartScreen

        self.push_screen(StartScreen())

    def action_open_rulebook(self, query: str = "", section: str = "") -> None:
        from tui.screens.rulebook import RulebookScreen

        if not isinstance(self.screen, RulebookScreen):
            self.push_screen(RulebookScreen(query=query, section=section))

    def switch_language(self) -> None:
        """Swap Chinese and English and rebuild from the start screen."""
        from tui.screens.start import StartScreen

        self.language = "en" if self.language == "zh" else "zh"
        localize_bindings(self, self.language)
        self.title = text(self.language, "app.title")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(StartScreen())

    def show_progress(self) -> None:
        from tui.screens.progress import ProgressScreen

        if self.trainee is not None:
            self.push_screen(ProgressScreen(self.trainee))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(self.t("command.rulebook"), self.t("command.rulebook.help"), self.action_open_rulebook)
        yield SystemCommand(self.t("command.language"), self.t("command.language.help"), self.switch_language)
        if self.trainee is not None:
            yield SystemCommand(self.t("command.library"), self.t("command.library.help"), self.open_library)
            yield SystemCommand(self.t("command.progress"), self.t("command.progress.help"), self.show_progress)

    def open_library(self) -> None:
        from tui.screens.library import LibraryScreen

        if self.trainee is not None and not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen(self.trainee))


def create_app(settings: Settings, library: Library | None = None, records: RecordsStore | None = None,
               policy: Policy | None = None) -> DutyDrillApp:
    """The app on the given (or the installed) drills, records and policy."""
    if records is None:
        records = RecordsStore(open_records(settings.database), wall_clock)
    return DutyDrillApp(settings, library if library is not None else current_library(), records,
                        policy if policy is not None else current_policy())


def run_app(settings: Settings) -> None:
    try:
        app = create_app(settings)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None
    app.run()
