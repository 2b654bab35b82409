"""The ``dutydrill`` command: with no subcommand it opens the app; subcommands run headless.

Subcommands are imported only when called, and Textual only when the app opens, so
every command starts fast and the app's first frame does not wait for command code.
"""

from __future__ import annotations

import importlib

import click

from tui.settings import Settings

# Command name → "module:attribute"; loaded on first use (click's lazy-group pattern).
COMMANDS = {
    "scenario": "tui.commands.scenario:scenario_group",
    "drill": "tui.commands.drill:drill_group",
    "kb": "tui.commands.kb:kb_group",
    "trainee": "tui.commands.records:trainee_group",
    "report": "tui.commands.records:report_command",
    "readiness": "tui.commands.records:readiness_command",
    "db": "tui.commands.records:db_group",
    "trainer": "tui.commands.trainer:trainer_group",
    "audit": "tui.commands.trainer:audit_command",
    "group": "tui.commands.group:group_group",
    "serve": "tui.commands.serve:serve_command",
}


class LazyGroup(click.Group):
    def list_commands(self, context: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Interface and content language (default: from the system locale).")
@click.option("--db", "database", type=click.Path(dir_okay=False), default=None, help="Records database file (default: $DUTYDRILL_DB, else dutydrill.db in the data folder).")
@click.version_option(package_name="dutydrill")
@click.pass_context
def main(context: click.Context, lang: str | None, database: str | None) -> None:
    """值班演练 DutyDrill: timed duty-room drills scored against the rulebook.

    Run without a command to open the app on the built-in drills and rulebook.
    """
    context.obj = Settings.from_options(lang=lang, database=database)
    if context.invoked_subcommand is None:
        from tui.app import run_app

        run_app(context.obj)
