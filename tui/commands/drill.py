"""``dutydrill drill``: run a drill headless with a playbook."""

from __future__ import annotations

import json
from pathlib import Path

import click

from drills.catalog import DrillFile, Library
from drills.engine import Drill
from drills.loader import DrillFileError
from drills.playbook import BUILT_IN, PlannedAction, Reaction, built_in_playbook, load_playbook, run_playbook
from drills.session import new_drill, run_summary
from tui.content import current_library, current_policy
from tui.i18n import text
from tui.settings import Settings
from knowledge.rulebook import cached_rulebook
from scoring.score import score_attempt
from tui.scorecard_text import scorecard_table
from tui.timeline_text import describe_entry


@click.group(name="drill")
def drill_group() -> None:
    """Sit drills without a screen."""


def find_drill(library: Library, drill: str, language: str) -> DrillFile:
    """A drill by id (in the wanted language when both editions exist) or by file path."""
    path = Path(drill)
    if path.suffix in (".yaml", ".yml") and path.exists():
        own = current_library([path])
        if own.problems:
            raise click.ClickException("\n".join(str(problem) for problem in own.problems))
        return own.drills[0]
    found = library.find(drill, language)
    if found is None:
        known = ", ".join(sorted({d.scenario.id for d in library.drills})) or "—"
        raise click.ClickException(text(language, "cli.run.unknown_drill", drill=drill, known=known))
    return found


def playbook_for(name: str, drill: Drill) -> tuple[list[PlannedAction], Reaction | None]:
    if name in BUILT_IN:
        return built_in_playbook(name, drill.scenario)
    try:
        return load_playbook(Path(name), drill.scenario), None
    except DrillFileError as error:
        raise click.ClickException(str(error)) from None


@drill_group.command(name="run")
@click.argument("drill")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed for names, numbers and places: the same seed gives the same drill.")
@click.option("--play", "playbook", default="ideal", show_default=True, help=f"Playbook: {' or '.join(BUILT_IN)}, or a playbook YAML file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (reproducible: no wall-clock stamps or database ids).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Which edition of the drill to run (default: the interface language).")
@click.pass_obj
def run_command(settings: Settings, drill: str, seed: int, playbook: str, as_json: bool, lang: str | None) -> None:
    """Run DRILL (an id or a drill file) headless with a playbook.

    Prints the journal as a timeline, or with --json one JSON object.
    """
    interface = settings.language if settings else "zh"
    language = lang or interface
    drill_file = find_drill(current_library(), drill, language)
    policy = current_policy()
    running = new_drill(drill_file, policy, seed)
    refusals = run_playbook(running, *playbook_for(playbook, running))
    if refusals:
        click.echo(text(interface, "cli.run.refused"), err=True)
        for refusal in refusals:
            click.echo(f"  {refusal}", err=True)
    summary = run_summary(running, drill_file, playbook if playbook in BUILT_IN else Path(playbook).name)
    scorecard = score_attempt(drill_file.scenario, seed, running.journal, policy, cached_rulebook(drill_file.scenario.language))
    if as_json:
        card = scorecard.as_dict()
        summary.update(score=card["score"], passed=card["passed"], findings=card["findings"],
                       competencies=card["competencies"], critical_errors=card["critical_errors"])
        click.echo(json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=1))
        return
    for entry in running.journal:
        click.echo(describe_entry(entry, running, interface))
    click.echo()
    click.echo(scorecard_table(scorecard, running.scenario, interface))
