"""``dutydrill scenario``: check drill files."""

from __future__ import annotations

from pathlib import Path

import click

from drills.catalog import drill_files
from tui.content import current_library
from tui.i18n import text
from tui.settings import Settings


@click.group(name="scenario")
def scenario_group() -> None:
    """Drill files: check them."""


@scenario_group.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
def check_command(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Check drill files (default: every built-in and user drill).

    Prints each problem as path:line:column: message and exits 1 if there is any.
    """
    library = current_library(list(paths) or None)
    for problem in sorted(library.problems):
        click.echo(str(problem))
    language = settings.language if settings else "en"
    if library.problems:
        click.echo(text(language, "cli.check.problems", count=len(library.problems)), err=True)
        raise SystemExit(1)
    click.echo(text(language, "cli.check.clean", count=len(drill_files(list(paths) or None))))


@scenario_group.command(name="schema")
def schema_command() -> None:
    """Print the drill files' JSON Schema (checked in as scenarios/scenario.schema.json).

    Editors that read the `# yaml-language-server: $schema=` line use it to autocomplete.
    Regenerate after changing the drill model:
    dutydrill scenario schema > scenarios/scenario.schema.json
    """
    from drills.schema import scenario_schema_text

    click.echo(scenario_schema_text(), nl=False)
