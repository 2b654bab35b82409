"""The Textual app. One factory (``create_app``) serves the command line and the tests.

The app holds what every screen shares (settings, drill library, records, policy) and
the actions any screen may call: open the rulebook (F1, even mid-drill), switch the
language, start a drill, show progress. Screens render and forward; the rules of the
domain stay in ``drills/``, ``scoring/`` and ``knowledge/``.
"""

from __future__ import annotations

import datetime
import gc
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui.i18n import text
from tui.keys import binding, localize_bindings
from tui.settings import Settings

if TYPE_CHECKING:
    from drills.catalog import Library
    from drills.policy import Policy
    from scoring.records import RecordsStore, Trainee


FIRST_FRAME_GRACE_SECONDS = 0.15


def wall_clock() -> str:
    """Local time for records and journal stamps (never used by the drill clock)."""
    return datetime.datetime.now().isoformat(timespec="seconds")


def _load_content() -> tuple[Library, Policy]:
    """The drill library and the policy; run in a thread so the first frame need not wait."""
    import scoring.records  # noqa: F401  (warm the import while the first frame paints)
    from tui.content import current_library, current_policy

    content = current_library(), current_policy()
    # Everything loaded so far lives as long as the app: keep it out of the collector's
    # sight, so full collections stay short and do not stutter the drill clock.
    gc.collect()
    gc.freeze()
    return content


class DutyDrillApp(App[None]):
    CSS_PATH = ["styles/app.tcss", "styles/screens.tcss", "styles/drill_room.tcss", "styles/rulebook.tcss", "styles/debrief.tcss", "styles/progress.tcss",
                "styles/trainer.tcss", "styles/readiness.tcss"]
    BINDINGS = [
        binding("app.rulebook", "open_rulebook", priority=True),
        binding("app.quit", "quit", priority=True),
    ]

    def __init__(self, settings: Settings, library: Library | None = None, records: RecordsStore | None = None,
                 policy: Policy | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.language = settings.language
        self._content: tuple[Library, Policy] | None = (library, policy) if library and policy else None
        self._loading: Future | None = None
        self._records = records
        self.trainee: Trainee | None = None
        self.ready = False  # the first frame has been displayed
        localize_bindings(self, self.language)
        self.title = text(self.language, "app.title")

    def t(self, key: str, **values: object) -> str:
        """Interface text in the current language."""
        return text(self.language, key, **values)

    def on_mount(self) -> None:
        from tui.screens.access import first_screen

        self.push_screen(first_screen())  # the access code first when served to other machines

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Behind the access screen the app's keys and palette do nothing but quit."""
        return action == "quit" or not (self.screen_stack and getattr(self.screen_stack[-1], "locks_app", False))

    def on_ready(self) -> None:
        """The first frame is composed; load the rest a moment later, once it is on the terminal.

        Loading holds the GIL for long stretches (pydantic builds its validators in native
        code), which would starve the thread that writes the frame out.
        """
        self.set_timer(FIRST_FRAME_GRACE_SECONDS, self._after_first_frame)

    def _after_first_frame(self) -> None:
        from tui.screens.start import StartScreen

        if not self.screen_stack:
            return  # the app closed before its first second was up
        self.ready = True
        self._start_loading()
        if isinstance(self.screen, StartScreen):
            self.screen.open_records()

    def _start_loading(self) -> None:
        if self._loading is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="content")
            self._loading = executor.submit(_load_content)
            executor.shutdown(wait=False)

    def _loaded(self) -> tuple[Library, Policy]:
        if self._content is None:
            self._start_loading()
            self._content = self._loading.result()  # type: ignore[union-attr]
        return self._content

    @property
    def library(self) -> Library:
        return self._loaded()[0]

    @property
    def policy(self) -> Policy:
        return self._loaded()[1]

    @property
    def records(self) -> RecordsStore:
        """The records, opened on first use in this (the UI) thread, which the connection belongs to."""
        if self._records is None:
            from scoring.records import RecordsStore, open_records

            self._records = RecordsStore(open_records(self.settings.database), wall_clock)
        return self._records

    def fail(self, message: str) -> None:
        """Leave with a clear message (a database that cannot be used, say) and exit code 1."""
        self.exit(return_code=1, message=message)

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
    """The app on the given drills, records and policy, or the installed ones, loaded as needed."""
    return DutyDrillApp(settings, library, records, policy)


def run_app(settings: Settings) -> None:
    app = create_app(settings)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
