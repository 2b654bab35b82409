"""``dutydrill drill``: run a drill headless with a playbook.

An exam counts toward clearance only when sat under the trainee's PIN: ``--pin`` asks for
it (hidden), or scripts give it in the environment variable DUTYDRILL_TRAINEE_PIN, as the
trainer's passphrase is given. ``rescore --save`` changes a score, so it is the trainer's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from drills.catalog import DrillFile, Library
from drills.engine import Drill
from drills.loader import DrillFileError
from drills.playbook import BUILT_IN, PlannedAction, Reaction, built_in_playbook, load_playbook, run_playbook
from drills.session import ReplayMismatch, new_drill, resume_recorded, run_summary
from tui.content import current_library, current_policy
from tui.i18n import text
from tui.settings import Settings
from knowledge.rulebook import cached_rulebook
from scoring.score import score_attempt
from tui.scorecard_text import scorecard_table
from tui.timeline_text import describe_entry
from drills.timing import clock_text
from scoring.attestation import sit_exam_with_pin
from scoring.records import Attempt, RecordsError
from scoring.rescore import rescore
from scoring.scorecard import Scorecard
from scoring.sitting import Sitting
from tui.commands.records import (
    note_rule_versions,
    open_store,
    passed_text,
    passphrase_file_option,
    records_errors,
    rule_title,
    score_text,
)
from tui.commands.trainer import sign_in

PIN_ENV = "DUTYDRILL_TRAINEE_PIN"


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
@click.option("--trainee", default=None, help="Record the run, its journal and the scored attempt for this trainee.")
@click.option("--mode", type=click.Choice(["practice", "exam"]), default="practice", show_default=True,
              help="With --trainee: an exam counts towards readiness when sat under the trainee's PIN (--pin).")
@click.option("--pin", "ask_pin", is_flag=True,
              help=f"With --trainee and --mode exam: ask for the trainee's PIN (hidden), so the exam counts; scripts can set ${PIN_ENV} instead.")
@click.pass_obj
@records_errors
def run_command(settings: Settings, drill: str, seed: int, playbook: str, as_json: bool, lang: str | None,
                trainee: str | None, mode: str, ask_pin: bool) -> None:
    """Run DRILL (an id or a drill file) headless with a playbook.

    Prints the journal as a timeline, or with --json one JSON object. Nothing is stored
    unless --trainee is given.
    """
    interface = settings.language if settings else "zh"
    language = lang or interface
    if ask_pin and not (trainee and mode == "exam"):
        raise click.UsageError(text(interface, "cli.run.pin_needs_exam"))
    drill_file = find_drill(current_library(), drill, language)
    policy = current_policy()
    sitting = start_sitting(settings, trainee, mode, drill_file, policy, seed, ask_pin) if trainee else None
    running = sitting.drill if sitting else new_drill(drill_file, policy, seed)
    refusals = run_playbook(running, *playbook_for(playbook, running))
    if refusals:
        click.echo(text(interface, "cli.run.refused"), err=True)
        for refusal in refusals:
            click.echo(f"  {refusal}", err=True)
    summary = run_summary(running, drill_file, playbook if playbook in BUILT_IN else Path(playbook).name)
    scorecard = finish_sitting(settings, sitting) if sitting else \
        score_attempt(drill_file.scenario, seed, running.journal, policy, cached_rulebook(drill_file.scenario.language))
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


# Recorded sittings and stored attempts (the records' part of ``dutydrill drill``).

def given_pin(language: str, ask: bool) -> str | None:
    """The trainee's PIN from the environment (scripts), else asked for hidden with --pin, else None."""
    pin = os.environ.get(PIN_ENV)
    if pin is None and ask:
        pin = click.prompt(text(language, "cli.run.pin_prompt"), hide_input=True, err=True)
    return pin


def start_sitting(settings: Settings, trainee_name: str, mode: str, drill_file: DrillFile, policy, seed: int,
                  ask_pin: bool = False) -> Sitting:
    """A recorded sitting for ``drill run --trainee``: run, journal and attempt in the database.
    An exam under the PIN is attested (it counts); one without is recorded and said not to count."""
    records = open_store(settings)
    trainee = records.require_trainee(trainee_name)  # before asking for a PIN: a misspelt name fails at once
    pin = given_pin(settings.language, ask_pin) if mode == "exam" else None
    if pin is not None:
        return sit_exam_with_pin(records, trainee, pin, drill_file, policy, seed)
    if mode == "exam":
        click.echo(text(settings.language, "cli.run.exam_without_pin", name=trainee.name), err=True)
    return Sitting.start(records, trainee, drill_file, policy, seed, mode)


def finish_sitting(settings: Settings, sitting: Sitting) -> Scorecard:
    """Score and store the attempt, note the rulebook's hashes, and say where it went (on stderr,
    so ``--json`` output stays one reproducible object)."""
    scorecard = sitting.finish()
    note_rule_versions(sitting.records, (sitting.drill.scenario.language,))
    attempt = sitting.records.require_attempt(sitting.attempt_id)
    click.echo(text(settings.language, "records.run.recorded", attempt=attempt.id, run=attempt.run_id), err=True)
    return scorecard


def debrief_markdown(language: str, attempt: Attempt, trainee: str, scenario) -> str:
    """A stored scorecard as Markdown: findings with their rules, critical errors, competencies."""
    card = attempt.scorecard or {}
    verdict = text(language, "score.passed" if card.get("passed") else "score.failed")
    lines = [f"# {scenario.title} — {trainee}", "",
             text(language, "records.debrief.facts", attempt=attempt.id, date=attempt.started[:10], seed=attempt.seed,
                  mode=text(language, f"records.mode.{attempt.mode}"), status=text(language, f"records.attempt_status.{attempt.status}")),
             "", f"**{text(language, 'score.total', score=card.get('score'), pass_mark=card.get('pass_mark'), verdict=verdict)}**", "",
             "| " + " | ".join(text(language, f"score.columns.{name}") for name in ("finding", "status", "points", "due", "rule")) + " |",
             "|---|---|---|---|---|"]
    for finding in card.get("findings", []):
        status = text(language, f"status.{finding['status']}")
        if finding.get("failure"):
            status += f" ({text(language, 'failure.' + finding['failure'])})"
        due = clock_text(scenario, finding["due"]) if finding.get("due") is not None else "—"
        rule = f"{finding['rule']} {rule_title(language, finding['rule'])}".strip()
        lines.append(f"| {finding['id']} | {status} | {finding['points']:g}/{finding['possible']} | {due} | {rule} |")
    critical = card.get("critical_errors", [])
    if critical:
        lines += ["", f"## {text(language, 'records.debrief.critical')}", ""]
        rules = {finding["id"]: finding["rule"] for finding in card.get("findings", [])}
        lines += [f"- {finding} ({rules.get(finding, '')})" for finding in critical]
    lines += ["", f"## {text(language, 'records.debrief.competencies')}", ""]
    for name, subtotal in card.get("competencies", {}).items():
        lines.append(f"- {text(language, f'competency.{name}')}: {subtotal['percent']}% ({subtotal['awarded']:g}/{subtotal['possible']})")
    return "\n".join(lines)


@drill_group.command(name="debrief")
@click.argument("attempt_id", metavar="ATTEMPT", type=int)
@click.option("--format", "output", type=click.Choice(["md", "json"]), default="md", show_default=True, help="Markdown for people, JSON for programs.")
@click.pass_obj
@records_errors
def debrief_command(settings: Settings, attempt_id: int, output: str) -> None:
    """Print a stored attempt's scorecard, as it was scored."""
    records = open_store(settings)
    attempt = records.require_attempt(attempt_id)
    if attempt.scorecard is None:
        raise RecordsError("not_scored", attempt=attempt_id)
    trainee = records.db.execute("SELECT name FROM trainees WHERE id = ?", [attempt.trainee_id]).fetchone()[0]
    if output == "json":
        click.echo(json.dumps({"attempt": attempt.id, "trainee": trainee, "mode": attempt.mode, "status": attempt.status,
                               "started": attempt.started, "ended": attempt.ended, **attempt.scorecard},
                              ensure_ascii=False, sort_keys=True, indent=1))
        return
    click.echo(debrief_markdown(settings.language, attempt, trainee, records.scenario_as_sat(attempt)))


@drill_group.command(name="rescore")
@click.argument("attempt_id", metavar="ATTEMPT", type=int)
@click.option("--save", is_flag=True, help="Keep the new scorecard in place of the stored one (the trainer only: asks for the passphrase; audited).")
@passphrase_file_option
@click.pass_obj
@records_errors
def rescore_command(settings: Settings, attempt_id: int, save: bool) -> None:
    """Score a stored attempt again with the current policy and rulebook, and say what changed."""
    language = settings.language
    trainer = sign_in(settings) if save else None  # before anything is opened for writing
    records = trainer.records if trainer else open_store(settings)
    attempt = records.require_attempt(attempt_id)
    policy = current_policy()
    result = rescore(records, attempt, policy, cached_rulebook(attempt.language))
    click.echo(text(language, "records.rescore.score", attempt=attempt.id, before=score_text(result.score_before),
                    after=result.scorecard.score, passed_before=passed_text(language, attempt.passed), passed_after=passed_text(language, result.scorecard.passed)))
    for rule in result.changed_rules:
        click.echo("  " + text(language, "records.rescore.rule", rule=rule, title=rule_title(attempt.language, rule)))
    if result.policy_changed:
        click.echo("  " + text(language, "records.rescore.policy"))
        for change in result.policy_changes:
            click.echo(f"    {change.name}: {change.before} → {change.after}")
    for change in result.findings:
        before = "—" if change.status_before is None else f"{text(language, f'status.{change.status_before}')} {change.points_before:g}"
        after = "—" if change.status_after is None else f"{text(language, f'status.{change.status_after}')} {change.points_after:g}"
        click.echo(f"    {change.finding}: {before} → {after}")
    if not (result.changed or result.changed_rules or result.policy_changed):
        click.echo(text(language, "records.rescore.same"))
    elif trainer:
        trainer.save_rescore(result, policy)
        note_rule_versions(records, (attempt.language,))
        click.echo(text(language, "records.rescore.saved"))
    else:
        click.echo(text(language, "records.rescore.not_saved"))


def _drill_file_of(records, run) -> DrillFile:
    """The drill a run sat: its stored snapshot when it has an attempt, else the library's file."""
    attempt = records.attempt_for_run(run.id)
    if attempt is not None:
        return DrillFile(Path(run.scenario_path), records.scenario_as_sat(attempt), attempt.scenario_hash, False)
    found = current_library().find(run.scenario_id, run.language)
    if found is None:
        raise RecordsError("drill_gone", drill=run.scenario_id)
    return found


@drill_group.command(name="resume")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("--play", "playbook", default="idle", show_default=True, help="Playbook for the rest of the drill (its steps from where the run stopped).")
@click.pass_obj
@records_errors
def resume_command(settings: Settings, run_id: int, playbook: str) -> None:
    """Continue an interrupted run from its journal to the end, then score and store it."""
    language = settings.language
    records = open_store(settings)
    run = records.journal.run(run_id)
    if run is None:
        raise RecordsError("unknown_run", run=run_id)
    if run.status != "running":
        raise RecordsError("run_not_running", run=run_id, status=run.status)
    drill_file, policy = _drill_file_of(records, run), current_policy()
    attempt = records.attempt_for_run(run_id)
    try:
        if attempt is not None:
            sitting = Sitting.resume(records, attempt, drill_file, policy)
            drill = sitting.drill
        else:
            drill = resume_recorded(records.journal, run_id, drill_file, policy)
    except ReplayMismatch as error:
        raise click.ClickException(text(language, "records.run.cannot_resume", run=run_id, reason=error)) from None
    planned, react = playbook_for(playbook, drill)
    run_playbook(drill, [step for step in planned if step.at >= drill.now], react)
    if attempt is not None:
        scorecard = finish_sitting(settings, sitting)
        click.echo(scorecard_table(scorecard, drill.scenario, language))
    else:
        records.journal.close_run(run_id, "finished")
        click.echo(text(language, "records.run.resumed", run=run_id))


@drill_group.command(name="close")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("--as", "status", type=click.Choice(["interrupted", "abandoned"]), default="interrupted", show_default=True,
              help="interrupted: cut short through no fault (power, a call-out); abandoned: given up.")
@click.pass_obj
@records_errors
def close_command(settings: Settings, run_id: int, status: str) -> None:
    """Close a run that never ended; its attempt keeps the score of what was done (not counted for readiness)."""
    records = open_store(settings)
    run = records.journal.run(run_id)
    if run is None:
        raise RecordsError("unknown_run", run=run_id)
    policy = current_policy()

    def partial_scorecard(attempt: Attempt) -> Scorecard:
        return score_attempt(records.scenario_as_sat(attempt), attempt.seed, records.journal.entries(run_id), policy,
                             cached_rulebook(attempt.language))

    attempt = records.close_run(run_id, status, partial_scorecard)
    key = "records.run.closed_attempt" if attempt else "records.run.closed"
    click.echo(text(settings.language, key, run=run_id, status=text(settings.language, f"records.attempt_status.{status}"),
                    attempt=attempt.id if attempt else "", score=score_text(attempt.score if attempt else None)))
