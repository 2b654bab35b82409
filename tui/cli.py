"""The ``dutydrill`` command: with no subcommand it opens the app; subcommands run headless.

Textual is imported only when the app opens, so headless commands start fast.
"""

from __future__ import annotations

import click

from tui.commands.drill import drill_group
from tui.commands.kb import kb_group
from tui.commands.records import changed_command, db_group, readiness_command, report_command, trainee_group
from tui.commands.scenario import scenario_group
from tui.settings import Settings, pass_settings  # noqa: F401  (re-exported for command modules)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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


main.add_command(scenario_group)
main.add_command(drill_group)
main.add_command(kb_group)
main.add_command(trainee_group)
main.add_command(report_command)
main.add_command(readiness_command)
main.add_command(db_group)
kb_group.add_command(changed_command)
