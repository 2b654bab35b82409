"""The first screen lists the built-in drills, literally, in the chosen language."""

from __future__ import annotations

from pathlib import Path

from drills.catalog import DrillFile, Library
from tui.app import create_app
from tui.settings import Settings


async def test_library_lists_every_builtin_drill(builtin_library, tmp_path):
    app = create_app(Settings("zh", tmp_path / "db"), builtin_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#drill-table")
        assert table.row_count == len(builtin_library.drills)
        titles = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert "夜间接报：煤矿井下透水" in titles
        await pilot.press("q")
    assert app.return_code == 0


async def test_markup_in_a_drill_title_is_shown_literally(builtin_library, tmp_path):
    original = builtin_library.drills[0]
    hostile = original.scenario.model_copy(update={"title": "[bold red]夜间[/] \x1b[31m"})
    library = Library([DrillFile(Path("x.yaml"), hostile, "h", False)], [])
    app = create_app(Settings("en", tmp_path / "db"), library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        cell = app.screen.query_one("#drill-table").get_row_at(0)[0]
        assert cell.plain.startswith("[bold red]夜间[/]")
