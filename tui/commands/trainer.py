"""``dutydrill trainer …`` (behind the trainer passphrase) and ``dutydrill audit``.

Every trainer command (and ``trainee archive``, ``drill rescore --save`` elsewhere) asks
for the passphrase with a hidden prompt before it opens anything for writing; the first
one ever run sets it instead (asked twice). Scripts can
give it in a file (``--passphrase-file``, the file's first line) or in the environment
variable DUTYDRILL_TRAINER_PASSPHRASE. What the commands change goes into the audit log,
which ``dutydrill audit`` prints.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import click

from scoring.records import RecordsError
from scoring.staff_import import StaffListError, import_staff, read_staff_list
from scoring.audit import AuditEntry, audit_entries
from scoring.credentials import check_passphrase_rules, check_pin_rules
from scoring.trainers import Trainer, passphrase_is_set
from tui.commands.records import (
    DATE,
    archive_trainee_command,
    PASSPHRASE_ENV,
    PASSPHRASE_FILE_KEY,
    open_store,
    passed_text,
    passphrase_file_option,
    records_errors,
)
from tui.text_table import aligned
from tui.i18n import text
from tui.settings import Settings

COLUMN_OF = {"name": "trainee"}  # a trainee's field → its column heading in records.columns


@click.group(name="trainer")
@passphrase_file_option
def trainer_group() -> None:
    """Trainer's commands: trainees, cohorts, PINs, score overrides, deletions, clearance by hand.

    Each asks for the trainer passphrase (hidden); the first one ever run sets it. Every change
    goes into the audit log (dutydrill audit).
    """


def _given_passphrase() -> str | None:
    """The passphrase a script gave (file first, then the environment), or None to prompt."""
    path = click.get_current_context().meta.get(PASSPHRASE_FILE_KEY)
    if path:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
        return lines[0] if lines else ""
    return os.environ.get(PASSPHRASE_ENV)


def _ask_twice(language: str, prompt_key: str, check) -> str:
    """A new secret, hidden, checked against its rules, then typed again to confirm."""
    first = click.prompt(text(language, prompt_key), hide_input=True, err=True)
    check(first)
    if click.prompt(text(language, "trainer.again"), hide_input=True, err=True) != first:
        raise RecordsError("entries_differ")
    return first


def sign_in(settings: Settings) -> Trainer:
    """The passphrase checked (or, on first use, set): the only way to a ``Trainer``."""
    language = settings.language
    records = open_store(settings)
    given = _given_passphrase()
    if not passphrase_is_set(records.db):
        click.echo(text(language, "trainer.passphrase.first_use"), err=True)
        new = given if given is not None else _ask_twice(language, "trainer.passphrase.new", check_passphrase_rules)
        trainer = Trainer.set_first_passphrase(records, new)
        click.echo(text(language, "trainer.passphrase.set"), err=True)
        return trainer
    if given is None:
        given = click.prompt(text(language, "trainer.passphrase.prompt"), hide_input=True, err=True)
    return Trainer.sign_in(records, given)


@trainer_group.command(name="passphrase")
@click.pass_obj
@records_errors
def passphrase_command(settings: Settings) -> None:
    """Set the trainer passphrase, or change it (the current one first; the new one twice)."""
    language = settings.language
    if not passphrase_is_set(open_store(settings).db):
        sign_in(settings)  # first use: sets it
        return
    trainer = sign_in(settings)
    trainer.change_passphrase(_ask_twice(language, "trainer.passphrase.new", check_passphrase_rules))
    click.echo(text(language, "trainer.passphrase.changed"))


# Trainees and cohorts

@trainer_group.command(name="add")
@click.argument("name")
@click.option("--unit", default="", help="The trainee's unit or office.")
@click.option("--cohort", default=None, help="Cohort (a study group); made if new.")
@click.pass_obj
@records_errors
def add_command(settings: Settings, name: str, unit: str, cohort: str | None) -> None:
    """Add a trainee named NAME (names are unique)."""
    trainee = sign_in(settings).add_trainee(name, unit, cohort)
    click.echo(text(settings.language, "records.trainee.added", name=trainee.name))


@trainer_group.command(name="edit")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="A new name.")
@click.option("--unit", default=None, help="A new unit ('' for none).")
@click.option("--cohort", default=None, help="Another cohort, made if new ('' for none).")
@click.pass_obj
@records_errors
def edit_command(settings: Settings, name: str, new_name: str | None, unit: str | None, cohort: str | None) -> None:
    """Change a trainee's name, unit or cohort."""
    trainee = sign_in(settings).edit_trainee(name, new_name=new_name, unit=unit, cohort=cohort)
    click.echo(text(settings.language, "trainer.edited", name=trainee.name, unit=trainee.unit or "—",
                    cohort=trainee.cohort or "—"))


# The same command as `dutydrill trainee archive`: one implementation, two places to find it.
trainer_group.add_command(archive_trainee_command, name="archive")


@trainer_group.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--cohort", default=None, help="Cohort for rows whose 班组/cohort cell is empty.")
@click.option("--dry-run", is_flag=True, help="Check the list and say what would be added; change nothing.")
@click.pass_obj
@records_errors
def import_command(settings: Settings, file: str, cohort: str | None, dry_run: bool) -> None:
    """Import a staff list (.csv or .xlsx) with the columns 姓名/name, 单位/unit, 班组/cohort.

    Unusable rows are listed by row number and then nothing is imported; people already on
    the records are listed and left as they are.
    """
    language = settings.language
    try:
        staff = read_staff_list(Path(file))
    except StaffListError as error:
        raise click.ClickException(text(language, f"trainer.import.error.{error.code}", **error.details)) from None
    if staff.ignored_columns:
        click.echo(text(language, "trainer.import.ignored_columns", columns=", ".join(staff.ignored_columns)), err=True)
    if staff.problems:
        for problem in staff.problems:
            click.echo(text(language, "trainer.import.row", row=problem.row,
                            problem=text(language, f"trainer.import.problem.{problem.code}", **problem.details)), err=True)
        raise click.ClickException(text(language, "trainer.import.nothing_imported", count=len(staff.problems)))
    trainer = sign_in(settings)
    if dry_run:
        known = {t.name for t in trainer.records.trainees(include_archived=True)}
        new = [row for row in staff.rows if row.name not in known]
        _echo_existing(language, [row for row in staff.rows if row.name in known])
        click.echo(text(language, "trainer.import.would_add", count=len(new), names=", ".join(row.name for row in new) or "—"))
        return
    result = import_staff(trainer, staff, Path(file).name, cohort)
    _echo_existing(language, result.already_there)
    click.echo(text(language, "trainer.import.added", count=len(result.added), file=Path(file).name))


def _echo_existing(language: str, rows) -> None:
    if rows:
        click.echo(text(language, "trainer.import.already_there",
                        names=", ".join(text(language, "trainer.import.name_at_row", name=row.name, row=row.row) for row in rows)))


# PINs

@trainer_group.command(name="pin")
@click.argument("name")
@click.option("--remove", is_flag=True, help="Take the PIN away (the trainee's exams then count only in group sessions).")
@click.pass_obj
@records_errors
def pin_command(settings: Settings, name: str, remove: bool) -> None:
    """Give trainee NAME a new PIN (4–12 digits, asked twice, hidden); their exams count only under it."""
    language = settings.language
    trainer = sign_in(settings)
    trainee = trainer.records.require_trainee(name)
    if remove:
        trainer.remove_pin(trainee.name)
        click.echo(text(language, "trainer.pin.removed", name=trainee.name))
        return
    trainer.set_pin(trainee.name, _ask_twice(language, "trainer.pin.new", check_pin_rules))
    click.echo(text(language, "trainer.pin.set", name=trainee.name))


# Attempts

@trainer_group.command(name="override")
@click.argument("attempt", type=int)
@click.argument("score", type=int, required=False)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option("--pass/--fail", "passed", default=None,
              help="The overridden verdict; default: pass when SCORE reaches the pass mark and there was no critical error.")
@click.option("--remove", is_flag=True, help="Take the override away: the scorecard's score counts again.")
@click.pass_obj
@records_errors
def override_command(settings: Settings, attempt: int, score: int | None, reason: str, passed: bool | None, remove: bool) -> None:
    """Override ATTEMPT's score with SCORE (0–100); the scorecard is kept as it was scored."""
    language = settings.language
    if remove == (score is not None):
        raise click.UsageError(text(language, "trainer.override.score_or_remove"))
    trainer = sign_in(settings)
    if remove:
        trainer.remove_override(attempt, reason)
        click.echo(text(language, "trainer.override.removed", attempt=attempt))
        return
    standing = trainer.override_score(attempt, score, reason, passed)
    click.echo(text(language, "trainer.override.done", attempt=attempt, before=standing.score, after=standing.override_score,
                    verdict=text(language, f"records.passed.{'yes' if standing.override_passed else 'no'}")))


@trainer_group.command(name="delete")
@click.argument("attempt", type=int)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option("--restore", is_flag=True, help="Undo an earlier deletion.")
@click.pass_obj
@records_errors
def delete_command(settings: Settings, attempt: int, reason: str, restore: bool) -> None:
    """Delete ATTEMPT: kept on file, marked deleted, no longer counted for readiness."""
    trainer = sign_in(settings)
    if restore:
        trainer.restore_attempt(attempt, reason)
    else:
        trainer.delete_attempt(attempt, reason)
    click.echo(text(settings.language, "trainer.attempt.restored" if restore else "trainer.attempt.deleted", attempt=attempt))


# Clearance by hand

@trainer_group.command(name="clear")
@click.argument("name")
@click.option("--until", type=DATE, default=None, help="The last day of the clearance (YYYY-MM-DD).")
@click.option("--reason", required=True, help="Why (kept in the audit log and shown on the board's JSON).")
@click.option("--revoke", is_flag=True, help="Withdraw the clearance by hand that is in force.")
@click.pass_obj
@records_errors
def clear_command(settings: Settings, name: str, until: datetime.datetime | None, reason: str, revoke: bool) -> None:
    """Clear trainee NAME for the duty roster by hand, from today until --until, whatever the exams say."""
    language = settings.language
    if revoke == (until is not None):
        raise click.UsageError(text(language, "trainer.clear.until_or_revoke"))
    trainer = sign_in(settings)
    if revoke:
        trainer.revoke_clearance(name, reason)
        click.echo(text(language, "trainer.clear.revoked", name=name))
        return
    trainer.clear_by_hand(name, until.date(), reason)
    click.echo(text(language, "trainer.clear.done", name=name, until=until.date().isoformat()))


# dutydrill audit

def audit_line(language: str, entry: AuditEntry) -> str:
    """What the trainer did, worded; an action this version does not know shows as its code and details."""
    values = {key: value for key, value in entry.details.items() if not isinstance(value, (dict, list, bool))}
    for key, value in entry.details.items():
        if isinstance(value, bool):
            values[key] = text(language, f"records.passed.{'yes' if value else 'no'}")
        elif isinstance(value, dict):
            values.update({f"{key}_{inner}": "—" if v is None else v for inner, v in value.items()})
        elif isinstance(value, list):
            values[key] = ", ".join(str(item) for item in value) or "—"
            values[f"{key}_count"] = len(value)
    if isinstance(entry.details.get("changes"), dict):  # field → [before, after]
        values["changes"] = ", ".join(f"{text(language, f'records.columns.{COLUMN_OF.get(field, field)}')} {before or '—'} → {after or '—'}"
                                      for field, (before, after) in entry.details["changes"].items())
    if entry.what == "score_overridden" and entry.details.get("scored"):
        values["scored_passed"] = text(language, f"records.passed.{'yes' if entry.details['scored']['passed'] else 'no'}")
    if entry.what == "attempt_rescored":
        for side in ("before", "after"):
            values[f"{side}_passed"] = passed_text(language, entry.details[side]["passed"])
        values["findings"] = "; ".join(f"{change['finding']} {_finding_state(language, change['before'])} → "
                                       f"{_finding_state(language, change['after'])}" for change in entry.details["findings"]) or "—"
    values = {key: "—" if value is None else value for key, value in values.items()}
    try:
        return text(language, f"audit.what.{entry.what}", **values)
    except (KeyError, IndexError):
        return f"{entry.what} {json.dumps(entry.details, ensure_ascii=False)}"


def _finding_state(language: str, state: dict | None) -> str:
    """A finding's status and points in an ``attempt_rescored`` line; — when it did not exist."""
    if state is None:
        return "—"
    return f"{text(language, 'status.' + state['status'])} {state['points']:g}"


@click.command(name="audit")
@click.option("--since", type=DATE, default=None, help="Only entries from this day on (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON (who, what, when, details).")
@click.pass_obj
@records_errors
def audit_command(settings: Settings, since: datetime.datetime | None, as_json: bool) -> None:
    """The audit log: every change a trainer made to the records, oldest first."""
    language = settings.language
    entries = audit_entries(open_store(settings).db, since.date().isoformat() if since else None)
    if as_json:
        click.echo(json.dumps([entry.as_dict() for entry in entries], ensure_ascii=False, indent=1))
        return
    if not entries:
        click.echo(text(language, "audit.none"))
        return
    rows = [[text(language, f"audit.columns.{name}") for name in ("when", "who", "what")]]
    rows += [[entry.at.replace("T", " "), text(language, "audit.who.trainer") if entry.who == "trainer" else entry.who,
              audit_line(language, entry)] for entry in entries]
    click.echo(aligned(rows))
