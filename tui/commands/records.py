"""``dutydrill trainee|report|readiness|db`` and ``kb changed``: the records, headless.

Every command opens the records database through ``open_store`` and runs inside
``records_errors``, so a damaged, foreign or locked file gives one clear line naming it
(exit 1, no traceback), and nothing is ever written over it.
"""

from __future__ import annotations

import datetime
import functools
import sqlite3
from pathlib import Path
from typing import Callable

import click

from drills.database import DatabaseError, connect
from knowledge.rulebook import LANGUAGES, cached_rulebook
from scoring.exports import board_json, csv_text, write_csv, write_xlsx
from scoring.history import office_lines, trainee_history, weakest_competencies
from scoring.readiness import ReadinessPolicyError, load_readiness_policy, readiness_board, readiness_override
from scoring.records import RecordsError, RecordsStore, backup_database, open_records
from tui.content import current_library
from tui.i18n import text
from tui.readiness_text import board_table, missing_cell
from tui.settings import Settings
from tui.text_table import aligned

DATE = click.DateTime(formats=["%Y-%m-%d"])
PASSPHRASE_ENV = "DUTYDRILL_TRAINER_PASSPHRASE"
PASSPHRASE_FILE_ENV = "DUTYDRILL_TRAINER_PASSPHRASE_FILE"
PASSPHRASE_FILE_KEY = "dutydrill.trainer.passphrase_file"  # where the option leaves the path for sign_in


def wall_clock() -> str:
    """Local time to the second, as the journal and the records keep it."""
    return datetime.datetime.now().isoformat(timespec="seconds")


def records_errors(command: Callable) -> Callable:
    """Turn every records failure into one worded line and exit status 1."""
    @functools.wraps(command)
    def guarded(*args, **kwargs):
        settings: Settings = click.get_current_context().find_object(Settings)
        language = settings.language if settings else "en"
        try:
            return command(*args, **kwargs)
        except DatabaseError as error:
            raise click.ClickException(str(error)) from None
        except RecordsError as error:
            raise click.ClickException(text(language, f"records.error.{error.code}", **error.details)) from None
        except ReadinessPolicyError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.OperationalError as error:
            key = "records.error.locked" if "locked" in str(error) or "busy" in str(error) else "records.error.damaged"
            raise click.ClickException(text(language, key, path=settings.database, error=error)) from None
        except sqlite3.DatabaseError as error:
            raise click.ClickException(text(language, "records.error.damaged", path=settings.database, error=error)) from None
    return guarded


def passphrase_file_option(command: Callable) -> Callable:
    """``--passphrase-file`` for a command behind the trainer passphrase (``trainer.sign_in`` reads it).
    Here rather than in trainer.py: commands in this module need it, and trainer.py builds on this one."""
    def remember(context: click.Context, _parameter, path: str | None) -> None:
        if path:
            context.meta[PASSPHRASE_FILE_KEY] = path
    return click.option("--passphrase-file", type=click.Path(dir_okay=False, exists=True), envvar=PASSPHRASE_FILE_ENV,
                        default=None, expose_value=False, callback=remember,
                        help=f"For scripts: read the trainer passphrase from the first line of this file (or ${PASSPHRASE_FILE_ENV}). "
                             f"${PASSPHRASE_ENV} gives it directly. Keep either readable by the trainer only.")(command)


def open_store(settings: Settings) -> RecordsStore:
    return RecordsStore(open_records(settings.database), wall_clock)


def note_rule_versions(records: RecordsStore, languages: tuple[str, ...] = LANGUAGES) -> None:
    """Snapshot the rulebook's section hashes, so ``kb changed --since`` can date changes."""
    today = datetime.date.today().isoformat()
    for language in languages:
        records.record_rule_versions(language, cached_rulebook(language).hashes(), today)


def rule_title(language: str, rule: str) -> str:
    return cached_rulebook(language).title_of(rule)


def score_text(value: int | None) -> str:
    return "—" if value is None else str(value)


def passed_text(language: str, passed: bool | None) -> str:
    return "—" if passed is None else text(language, f"records.passed.{'yes' if passed else 'no'}")


def trend_text(value: int | None) -> str:
    return "—" if value is None else f"{value:+d}"


# dutydrill trainee

@click.group(name="trainee")
def trainee_group() -> None:
    """Trainees: add, list, show one's attempts, archive (the trainer only)."""


@trainee_group.command(name="add")
@click.argument("name")
@click.option("--unit", default="", help="The trainee's unit or office.")
@click.option("--cohort", default=None, help="Cohort (a study group); made if new.")
@click.pass_obj
@records_errors
def add_trainee_command(settings: Settings, name: str, unit: str, cohort: str | None) -> None:
    """Add a trainee named NAME (names are unique)."""
    trainee = open_store(settings).add_trainee(name, unit, cohort)
    click.echo(text(settings.language, "records.trainee.added", name=trainee.name))


@trainee_group.command(name="list")
@click.option("--cohort", default=None, help="Only this cohort.")
@click.option("--all", "include_archived", is_flag=True, help="Include archived trainees.")
@click.pass_obj
@records_errors
def list_trainees_command(settings: Settings, cohort: str | None, include_archived: bool) -> None:
    """List trainees with their unit and cohort."""
    language = settings.language
    trainees = open_store(settings).trainees(include_archived, cohort)
    if not trainees:
        click.echo(text(language, "records.trainee.none"))
        return
    rows = [[text(language, f"records.columns.{name}") for name in ("trainee", "unit", "cohort", "created")]]
    for trainee in trainees:
        name = trainee.name + (f" ({text(language, 'records.trainee.archived')})" if trainee.archived else "")
        rows.append([name, trainee.unit or "—", trainee.cohort or "—", trainee.created[:10]])
    click.echo(aligned(rows))


@trainee_group.command(name="show")
@click.argument("name")
@click.pass_obj
@records_errors
def show_trainee_command(settings: Settings, name: str) -> None:
    """A trainee's attempts (score, pass, date), best and last score, trend and weakest competencies."""
    language = settings.language
    records = open_store(settings)
    history = trainee_history(records, records.require_trainee(name))
    trainee = history.trainee
    click.echo(" · ".join(part for part in (trainee.name, trainee.unit, trainee.cohort) if part))
    if history.attempts:
        rows = [[text(language, f"records.columns.{name}") for name in ("attempt", "date", "drill", "mode", "status", "score", "passed")]]
        for attempt in history.attempts:
            rows.append([str(attempt.id), attempt.started[:10], attempt.drill, text(language, f"records.mode.{attempt.mode}"),
                         text(language, f"records.attempt_status.{attempt.status}"), score_text(attempt.score),
                         passed_text(language, attempt.passed)])
        click.echo(aligned(rows))
    summary = history.summary
    click.echo(text(language, "records.summary", attempts=summary.attempts, best=score_text(summary.best),
                    last=score_text(summary.last), trend=trend_text(summary.trend)))
    echo_weakest(language, history.weakest)


@trainee_group.command(name="archive")
@click.argument("name")
@click.option("--restore", is_flag=True, help="Bring an archived trainee back.")
@passphrase_file_option
@click.pass_obj
@records_errors
def archive_trainee_command(settings: Settings, name: str, restore: bool) -> None:
    """Archive a trainee who left: off the lists and the board, history kept (asks for the trainer passphrase)."""
    from tui.commands.trainer import sign_in  # here: trainer.py imports this module

    sign_in(settings).set_archived(name, not restore)
    click.echo(text(settings.language, "records.trainee.restored" if restore else "records.trainee.archived_now", name=name))


def echo_weakest(language: str, weakest) -> None:
    if not weakest:
        return
    click.echo(text(language, "records.weakest"))
    for standing in weakest:
        click.echo(f"  {text(language, f'competency.{standing.competency}')} {standing.percent}%")
        for cost in standing.rules:
            click.echo("    " + text(language, "records.rule_cost", rule=cost.rule, title=rule_title(language, cost.rule),
                                     lost=f"{cost.lost:g}", count=cost.findings))


# dutydrill report

@click.command(name="report")
@click.option("--trainee", "name", default=None, help="One trainee's report (as trainee show).")
@click.option("--cohort", default=None, help="Only this cohort.")
@click.pass_context
@records_errors
def report_command(context: click.Context, name: str | None, cohort: str | None) -> None:
    """Attempts, best and last score and trend per trainee; the weakest competencies and the rules behind them."""
    if name:
        context.invoke(show_trainee_command, name=name)
        return
    settings: Settings = context.obj
    language = settings.language
    records = open_store(settings)
    lines = office_lines(records, cohort)
    if not lines:
        click.echo(text(language, "records.trainee.none"))
        return
    rows = [[text(language, f"records.columns.{column}") for column in ("trainee", "unit", "cohort", "attempts", "best", "last", "trend")]]
    for line in lines:
        rows.append([line.trainee, line.unit or "—", line.cohort or "—", str(line.summary.attempts),
                     score_text(line.summary.best), score_text(line.summary.last), trend_text(line.summary.trend)])
    click.echo(aligned(rows))
    echo_weakest(language, weakest_competencies(records.db))


# dutydrill readiness

@click.command(name="readiness")
@click.option("--json", "as_json", is_flag=True, help="Print the board as JSON (status and coded reasons).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Write the board as CSV to PATH ('-' for the screen).")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None, help="Write the board as an Excel workbook to PATH.")
@click.option("--on", "on_date", type=DATE, default=None, help="Judge as of this day (YYYY-MM-DD), e.g. the roster date; default today.")
@click.option("--cohort", default=None, help="Only this cohort.")
@click.pass_obj
@records_errors
def readiness_command(settings: Settings, as_json: bool, csv_path: str | None, xlsx_path: str | None,
                      on_date: datetime.datetime | None, cohort: str | None) -> None:
    """Who is cleared for the duty roster: cleared, not yet (and what is missing), or expired.

    The standard is knowledge/rulebook/readiness.yaml, overridden by readiness.yaml in the data folder.
    """
    language = settings.language
    today = on_date.date() if on_date else datetime.date.today()
    policy = load_readiness_policy(override=readiness_override())
    board = readiness_board(open_store(settings).db, policy, today, cohort)
    if as_json:
        click.echo(board_json(board, today))
        return
    table = board_table(language, board, today)
    if csv_path == "-":
        click.echo(csv_text(table), nl=False)
    elif csv_path or xlsx_path:
        for path, write in ((csv_path, write_csv), (xlsx_path, write_xlsx)):
            if path:
                write(table, Path(path))
                click.echo(text(language, "records.written", path=path))
    elif not board:
        click.echo(text(language, "records.trainee.none"))
    else:
        for entry, row in zip(board, table.rows):
            until = text(language, "readiness.until", date=entry.valid_until.isoformat()) if entry.valid_until else ""
            click.echo(f"{entry.name}  {row[3]}  {until}".rstrip())
            for line in (missing_cell(language, entry) or "").splitlines():  # what is missing, or a clearance by hand
                click.echo(f"    {line}")
    if csv_path != "-":
        counts = {status: sum(1 for entry in board if entry.status == status) for status in ("cleared", "expired", "not_yet")}
        click.echo(text(language, "readiness.totals", date=today.isoformat(), **counts))


# dutydrill db

@click.group(name="db")
def db_group() -> None:
    """The records database file."""


@db_group.command(name="backup")
@click.argument("target", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace TARGET if it exists.")
@click.pass_obj
@records_errors
def backup_command(settings: Settings, target: str, force: bool) -> None:
    """Copy the records database to TARGET, consistently, even while drills are running."""
    language = settings.language
    source, destination = settings.database, Path(target)
    if not source.exists():
        raise click.ClickException(text(language, "records.backup.no_database", path=source))
    if destination.exists() and not force:
        raise click.ClickException(text(language, "records.backup.exists", path=destination))
    if destination.resolve() == source.resolve():
        raise click.ClickException(text(language, "records.backup.same_file", path=destination))
    db = connect(source)  # no migrations: the copy is the file as it is
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        backup_database(db, partial)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)
        db.conn.close()
    click.echo(text(language, "records.backup.done", source=source, target=destination))


# dutydrill kb changed (registered on the kb group by tui/cli.py)

@click.command(name="changed")
@click.option("--since", type=DATE, default=None, help="Sections whose wording changed after this day (YYYY-MM-DD).")
@click.option("--attempt", "attempt_id", type=int, default=None, help="Sections changed since this attempt was scored.")
@click.pass_obj
@records_errors
def changed_command(settings: Settings, since: datetime.datetime | None, attempt_id: int | None) -> None:
    """Rulebook sections changed since a day or an attempt, and the drills that cite them."""
    language = settings.language
    if (since is None) == (attempt_id is None):
        raise click.UsageError(text(language, "records.changed.one_of"))
    records = open_store(settings)
    note_rule_versions(records)
    if attempt_id is not None:
        attempt = records.require_attempt(attempt_id)
        current = cached_rulebook(attempt.language).hashes()
        changed = {attempt.language: sorted(rule for rule, digest in attempt.rule_hashes.items() if current.get(rule) != digest)}
    else:
        day = since.date().isoformat()
        changed = {}
        for edition in LANGUAGES:
            first = records.earliest_rule_snapshot(edition)
            if first is None or first > day:
                click.echo(text(language, "records.changed.no_history", edition=edition, date=day, first=first or "—"), err=True)
            changed[edition] = records.rules_changed_since(edition, cached_rulebook(edition).hashes(), day)
    if not any(changed.values()):
        click.echo(text(language, "records.changed.none"))
        return
    drills = current_library().drills
    for edition, rules in changed.items():
        for rule in rules:
            citing = sorted({d.scenario.id for d in drills if d.scenario.language == edition
                             and any(expectation.rule == rule for expectation in d.scenario.expectations)})
            title = rule_title(edition, rule) or text(language, "records.changed.gone")
            click.echo(f"[{edition}] {rule} {title}")
            click.echo("    " + (text(language, "records.changed.cited_by", drills=", ".join(citing)) if citing
                                 else text(language, "records.changed.not_cited")))
