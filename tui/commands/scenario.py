"""``dutydrill scenario``: check drill files, and turn spreadsheet plans into drills and back."""

from __future__ import annotations

import re
from pathlib import Path

import click

from drills.catalog import drill_files
from tui.content import current_library, current_policy
from tui.i18n import text
from tui.settings import Settings


@click.group(name="scenario")
def scenario_group() -> None:
    """Drill files: check them, and import or export spreadsheet plans."""


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


# ── Spreadsheets: a trainer's drill plan in, a drill back out ─────────────────────────

def _say_findings(findings, path: Path, language: str) -> None:
    """Each problem as ``FILE:row N: message``; notes (things filled in) go to standard error."""
    note = text(language, "cli.import.note")
    for item in findings:
        message = text(language, f"spreadsheet.{item.code}", **dict(item.values))
        if item.skipped:
            click.echo(f"{item.where(str(path))}: {message}")
        else:
            click.echo(f"{item.where(str(path))}: {note}: {message}", err=True)


@scenario_group.command(name="import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--id", "drill_id", default=None, help="The drill's id (default: from the file name).")
@click.option("--title", default=None, help="The drill's title (default: a title row above the header, or the file name).")
@click.option("--language", type=click.Choice(["zh", "en"]), default=None, help="The drill's language (default: Chinese if the plan has Chinese in it).")
@click.option("--start", default=None, help="The drill clock at the start, HH:MM (default: just before the plan's earliest time of day).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Where to write the drill file (default: beside SOURCE, as NAME.LANG.yaml).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.pass_obj
def import_command(settings: Settings, source: Path, drill_id: str | None, title: str | None, language: str | None,
                   start: str | None, out: Path | None, force: bool) -> None:
    """Turn a drill plan (SOURCE: .csv or .xlsx, one row per expected action) into a drill file.

    Columns, in Chinese or English: 时间/time, 渠道/channel, 来源/from, 内容/content,
    预期动作/expected action, 时限/deadline, 依据/rule, and optional 分值/points,
    严重程度/severity, 对象/target, 问题/question, 报告阶段/stage … (see scenarios/README.md).
    Rows that cannot be used are listed as FILE:row N: message; the rest is still written,
    and the command exits 1 if anything was left out.
    """
    from drills.spreadsheet import ImportOptions, SpreadsheetError, import_plan, read_table
    from knowledge.rulebook import cached_rulebook
    from tui.content import rule_ids

    interface = settings.language if settings else "en"
    if start is not None and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", start):
        raise click.BadParameter(text(interface, "cli.import.bad_start"), param_hint="--start")
    titles = {section.title: section.id for edition in ("zh", "en") for section in cached_rulebook(edition).sections.values()
              if "." in section.id}  # a drill cites sections, never a whole regulation
    options = ImportOptions(drill_id, title, language, start and f"{int(start.split(':')[0]):02d}:{start.split(':')[1]}",
                            source.name.rsplit(".", 1)[0])
    try:
        table = read_table(source)
        if table.encoding:
            click.echo(text(interface, "cli.import.encoding", path=source, encoding=table.encoding), err=True)
        result = import_plan(table, options, current_policy(), rule_ids(), titles)
    except SpreadsheetError as error:
        _say_findings(error.findings, source, interface)
        raise SystemExit(1) from None
    _say_findings(result.findings, source, interface)
    if result.text is None:
        raise SystemExit(1)
    scenario = result.scenario
    target = out or source.with_name(f"{options.name}.{scenario.language if scenario else 'zh'}.yaml")
    if target.exists() and not force:
        raise click.ClickException(text(interface, "cli.import.exists", path=target))
    _write_text(target, result.text)
    written = current_library([target])
    for problem in written.problems:
        click.echo(str(problem))
    if scenario is not None:
        click.echo(text(interface, "cli.import.wrote", path=target, injects=len(scenario.injects),
                        expectations=len(scenario.expectations)))
        same = current_library().find(scenario.id, scenario.language)
        if same is not None and same.scenario.language == scenario.language and same.path.resolve() != target.resolve():
            click.echo(text(interface, "cli.import.id_taken", id=scenario.id, edition=scenario.language, other=same.path), err=True)
    click.echo(text(interface, "cli.import.next", path=target), err=True)
    if result.skipped or written.problems:
        click.echo(text(interface, "cli.import.skipped", count=sum(item.skipped for item in result.findings)), err=True)
        raise SystemExit(1)


def _write_text(path: Path, content: str) -> None:
    """Into a temporary file beside the target, then renamed: a failure never leaves half a drill."""
    import os
    import tempfile

    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        os.replace(name, path)
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror or error}") from None


@scenario_group.command(name="export")
@click.argument("drill")
@click.option("--to", "destination", required=True, type=click.Path(path_type=Path, dir_okay=False), help="The spreadsheet to write: FILE.csv or FILE.xlsx.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Which edition of the drill (default: the interface language).")
@click.option("--force", is_flag=True, help="Overwrite --to if it exists.")
@click.pass_obj
def export_command(settings: Settings, drill: str, destination: Path, lang: str | None, force: bool) -> None:
    """Write DRILL (an id or a drill file) as a spreadsheet plan that `scenario import` reads back.

    One row per expectation, the inject's cells on its first row. An .xlsx also gets the
    drill's settings, variables and people on their own sheets; a CSV is UTF-8 with a BOM
    so that Excel and WPS open it.
    """
    from drills.spreadsheet import export_rows, side_sheets, write_table
    from tui.commands.drill import find_drill

    interface = settings.language if settings else "en"
    if destination.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter(text(interface, "cli.export.bad_suffix"), param_hint="--to")
    if destination.exists() and not force:
        raise click.ClickException(text(interface, "cli.import.exists", path=destination))
    scenario = find_drill(current_library(), drill, lang or interface).scenario
    headers, rows = export_rows(scenario)
    xlsx = destination.suffix.lower() == ".xlsx"
    try:
        write_table(destination, headers, rows, side_sheets(scenario) if xlsx else None,
                    "演练计划" if scenario.language == "zh" else "plan")
    except OSError as error:
        raise click.ClickException(f"{destination}: {error.strerror or error}") from None
    click.echo(text(interface, "cli.export.wrote", path=destination, rows=len(rows)))
    if not xlsx:
        click.echo(text(interface, "cli.export.csv_only_rows"), err=True)
