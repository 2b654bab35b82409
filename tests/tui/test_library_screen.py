"""Start and library screens: a trainee is created, drills are listed literally and filtered."""

from __future__ import annotations

from pathlib import Path

from drills.catalog import DrillFile, Library
from tui.screens.library import LibraryScreen
from tui.screens.start import StartScreen


async def test_create_a_trainee_and_open_the_library(make_app, records):
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.click("#new-name")
        await pilot.press(*"王小明")
        await pilot.click("#create-trainee")
        await pilot.pause()
        assert records.trainee("王小明") is not None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert app.trainee.name == "王小明"


async def test_library_lists_the_drills_of_the_language_and_filters(make_app, records, builtin_library):
    records.add_trainee("Li")
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        app.trainee = records.require_trainee("Li")
        app.open_library()
        await pilot.pause()
        table = app.screen.query_one("#drill-table")
        english = [d for d in builtin_library.drills if d.scenario.language == "en"]
        assert table.row_count == len(english)
        app.screen.query_one("#filter-channel").value = "visitor"
        await pilot.pause()
        with_visitors = [d for d in english if any(i.channel.value == "visitor" for i in d.scenario.injects)]
        assert 0 < table.row_count == len(with_visitors) < len(english)
        assert {str(table.get_row_at(i)[0]) for i in range(table.row_count)} == {d.scenario.title for d in with_visitors}


async def test_markup_in_a_drill_title_is_shown_literally(make_app, records, builtin_library):
    original = next(d for d in builtin_library.drills if d.scenario.language == "zh")
    hostile = original.scenario.model_copy(update={"title": "[bold red]夜间[/] \x1b[31m[link=http://x]y"})
    app = make_app("zh", Library([DrillFile(Path("x.yaml"), hostile, "h", False)], []))
    records.add_trainee("张")
    async with app.run_test(size=(120, 40)) as pilot:
        app.trainee = records.require_trainee("张")
        app.open_library()
        await pilot.pause()
        cell = app.screen.query_one("#drill-table").get_row_at(0)[0]
        assert cell.plain == "[bold red]夜间[/] [link=http://x]y"
