"""``dutydrill kb``: check, search and show the rulebook, headless (no Textual, no Rich)."""

from __future__ import annotations

import difflib
import json

import click

from knowledge.cache_store import default_cache_folder
from knowledge.check import check_rulebook
from knowledge.markdown_text import strip_heading_ids
from knowledge.model import Rulebook
from knowledge.rulebook import LANGUAGES, load_rulebook
from knowledge.search import DEFAULT_LIMIT, MAX_QUERY_CHARACTERS, QueryError, SearchIndex

_LANGUAGE = click.Choice(list(LANGUAGES))
_RULEBOOK_OPTION = click.option(
    "--rulebook", "directory", type=click.Path(file_okay=False, exists=True), default=None,
    help="Rulebook folder holding zh/ and en/ (default: the built-in sample rulebook).",
)


def _language(context: click.Context, explicit: str | None) -> str:
    """``--lang`` if given, else the language of the main command's settings, else zh."""
    if explicit:
        return explicit
    settings_language = getattr(context.obj, "language", None)
    return settings_language if settings_language in LANGUAGES else "zh"


def _load(directory: str | None, language: str) -> Rulebook:
    rulebook = load_rulebook(directory, language, default_cache_folder())  # unchanged files come from the cache
    if rulebook.problems:
        click.echo(f"warning: the {language} rulebook has {len(rulebook.problems)} problem(s); run `dutydrill kb check`", err=True)
    return rulebook


@click.group(name="kb")
def kb_group() -> None:
    """The rulebook: check it, search it, show a section."""


@kb_group.command("check")
@click.option("--lang", type=click.Choice([*LANGUAGES, "all"]), default="all", show_default=True, help="Edition(s) to check.")
@_RULEBOOK_OPTION
def check_command(lang: str, directory: str | None) -> None:
    """Report duplicate, missing or malformed ids, broken links, bad front matter,
    editions that differ and policy rules that cite no section; exit 1 if any."""
    languages = LANGUAGES if lang == "all" else (lang,)
    problems = check_rulebook(directory, languages)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        raise SystemExit(1)
    click.echo(f"rulebook OK ({', '.join(languages)})")


@kb_group.command("search")
@click.argument("query", nargs=-1)
@click.option("--lang", type=_LANGUAGE, default=None, help="Edition to search (default: the interface language).")
@click.option("--limit", type=click.IntRange(1, 500), default=DEFAULT_LIMIT, show_default=True, help="Most sections to list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of hits (id, title, document, snippet, spans ...).")
@_RULEBOOK_OPTION
@click.pass_context
def search_command(context: click.Context, query: tuple[str, ...], lang: str | None, limit: int, as_json: bool, directory: str | None) -> None:
    """Find the sections containing every word of QUERY (exact, case-insensitive).

    Chinese words of any length work: dutydrill kb search 续报 公章
    """
    text = " ".join(query)
    if len(text) > MAX_QUERY_CHARACTERS:  # refuse before loading anything
        raise click.UsageError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARACTERS})")
    language = _language(context, lang)
    index = SearchIndex(_load(directory, language), build=False)  # one search: postings only if already cached
    try:
        results = index.search(text, limit=limit)
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        click.echo(json.dumps([hit.to_dict() for hit in results.hits], ensure_ascii=False, indent=2))
        return
    if not results.hits:
        click.echo(f"no section of the {language} rulebook contains {' + '.join(results.terms)}")
        return
    click.echo(f"{len(results.hits)} of {results.total} matching section(s), best first:")
    for rank, hit in enumerate(results.hits, start=1):
        click.echo(f"{rank:>3}. {hit.id}  {hit.title}  ({hit.document_title})")
        click.echo(f"     {hit.snippet.marked()}")


@kb_group.command("show")
@click.argument("section_id")
@click.option("--lang", type=_LANGUAGE, default=None, help="Edition to show (default: the interface language).")
@_RULEBOOK_OPTION
@click.pass_context
def show_command(context: click.Context, section_id: str, lang: str | None, directory: str | None) -> None:
    """Print one rulebook section (its Markdown, without the id tags) and its subsections."""
    language = _language(context, lang)
    rulebook = _load(directory, language)
    wanted = section_id.strip().removeprefix("#")  # also as copied from a link: #report.elements
    section = rulebook.section(wanted)
    if section is None:
        click.echo(f"no section {wanted[:80]!r} in the {language} rulebook", err=True)
        suggestions = _close_matches(rulebook, wanted[:120])
        if suggestions:
            click.echo("did you mean: " + ", ".join(suggestions), err=True)
        raise SystemExit(1)
    document = rulebook.document_of(section)
    click.echo(f"{section.id} — {section.title}")
    if document is not None:
        dated = f", {document.effective.isoformat()}" if document.effective else ""
        sample = ", sample" if document.sample else ""
        click.echo(f"{document.title} ({document.version}{dated}{sample}) {document.path}:{section.line}")
    click.echo("")
    click.echo(strip_heading_ids(section.source))
    children = rulebook.children(section.id)
    if children:
        click.echo("")
        for child in children:
            click.echo(f"  → {child.id}  {child.title}")


def _close_matches(rulebook: Rulebook, wanted: str) -> list[str]:
    """Ids that look like the one typed, or whose title is what was typed."""
    by_title = [section.id for section in rulebook.sections.values() if wanted and wanted in section.title]
    by_id = difflib.get_close_matches(wanted, list(rulebook.sections), n=5, cutoff=0.6)
    return list(dict.fromkeys(by_id + by_title))[:5]


def _register_changed() -> None:
    """``kb changed`` needs the records, so it lives with the records commands."""
    from tui.commands.records import changed_command

    kb_group.add_command(changed_command)


_register_changed()
