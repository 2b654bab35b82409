"""The access screen, shown first when the app is served with an access code."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tui.screens import access
from tui.screens.access import ACCESS_CODE_ENV, AccessScreen, code_matches
from tui.screens.rulebook import RulebookScreen
from tui.screens.start import StartScreen

CODE = "night-duty-26"


@pytest.fixture
def served(monkeypatch):
    """The environment a served app starts in, with the wait after a wrong code shortened."""
    monkeypatch.setenv(ACCESS_CODE_ENV, CODE)
    monkeypatch.setattr(access, "WRONG_CODE_DELAY", 0.05)


async def type_code(pilot, code: str) -> None:
    field = pilot.app.screen.query_one("#access-code", Input)
    while field.disabled:  # still waiting after the last wrong code
        await pilot.pause(0.02)
    field.value = code
    await pilot.press("enter")
    await pilot.pause()


def message(app) -> str:
    return str(app.screen.query_one("#start-message", Static).render())


def test_codes_compare_whole_and_ignore_surrounding_spaces():
    assert code_matches(f"  {CODE}\n", CODE)
    assert not code_matches(CODE[:-1], CODE)
    assert not code_matches("", CODE)
    assert code_matches("值班", "值班")


async def test_without_a_code_the_app_opens_on_the_start_screen(make_app, monkeypatch):
    monkeypatch.delenv(ACCESS_CODE_ENV, raising=False)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_the_right_code_opens_the_start_screen(make_app, served):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AccessScreen)
        await type_code(pilot, CODE)
        assert isinstance(app.screen, StartScreen)
        assert len(app.screen_stack) == 2  # the access screen is gone, not underneath


async def test_the_code_leaves_the_environment(make_app, served):
    import os

    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert ACCESS_CODE_ENV not in os.environ


async def test_a_wrong_code_is_refused_with_a_wait(make_app, served, monkeypatch):
    monkeypatch.setattr(access, "WRONG_CODE_DELAY", 600)  # longer than any slow test run
    app = make_app("en")
    async with app.run_test() as pilot:
        await pilot.pause()
        await type_code(pilot, "guess")
        assert isinstance(app.screen, AccessScreen)
        assert "4 tries left" in message(app)
        field = app.screen.query_one("#access-code", Input)
        assert field.disabled and field.value == ""
        app.screen._reopen()  # as the timer would, 600 s later
        await type_code(pilot, CODE)
        assert isinstance(app.screen, StartScreen)


async def test_nothing_but_quit_works_behind_the_access_screen(make_app, served):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f1")  # the rulebook, from anywhere else
        await pilot.press("ctrl+p")  # the command palette (switching language rebuilds the screens)
        await pilot.pause()
        assert isinstance(app.screen, AccessScreen)
        assert not isinstance(app.screen, RulebookScreen)


async def test_five_wrong_codes_close_the_app(make_app, served):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        for attempt in range(access.MAX_TRIES):
            await type_code(pilot, f"guess {attempt}")
        await pilot.pause()
    assert app.return_code == 1


async def test_too_many_wrong_codes_from_all_pages_shut_every_access_screen(make_app, served, isolated_home):
    from tui.access_log import MAX_WRONG_IN_WINDOW, WrongCodeLog

    wrong_codes = WrongCodeLog(isolated_home / access.WRONG_CODES_FILE)
    for _ in range(MAX_WRONG_IN_WINDOW):  # other pages guessed
        wrong_codes.record()
    app = make_app("en")
    async with app.run_test() as pilot:
        await pilot.pause()
        await type_code(pilot, CODE)  # even the right code, while the window is full
        assert isinstance(app.screen, AccessScreen)
        assert "Too many wrong access codes" in message(app) and "10 more minutes" in message(app)
