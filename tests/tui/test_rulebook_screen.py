"""The rulebook screen: search as you type, open a section beside its contents, follow
links, open a section directly, close back to whatever was underneath, and show hostile
rulebook text and pasted input literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, OptionList, Static

from knowledge.rulebook import cached_rulebook
from knowledge.search import MAX_QUERY_CHARACTERS
from tests.knowledge.helpers import front_matter, write_edition
from tui.i18n import TABLES
from tui.i18n.rulebook_en import STRINGS as ENGLISH
from tui.i18n.rulebook_zh import STRINGS as CHINESE
from tui.screens.rulebook import RESULT_LIMIT, RulebookScreen, rulebook_index
from tui.widgets.rulebook_search import ResultList, SearchBox
from tui.widgets.rulebook_section import SectionView

HOSTILE = (
    front_matter("duty", title="值班[bold]制度[/bold]")
    + "# 值班[bold]制度[/bold] {#duty}\n\n"
    + "粗体示例 [bold red]不是粗体[/bold red]，链接 [link=https://example.com]点我[/link]，"
    + "转义 \x1b[31m红色\x1b[0m 结束。\n\n"
    + "## 第二节 {#duty.second}\n\n见[第一节](#duty)。\n"
)


async def settle(app, pilot) -> None:
    """Let the loading and rendering workers finish and their messages land."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_rulebook(app, pilot, **arguments) -> RulebookScreen:
    screen = RulebookScreen(**arguments)
    await app.push_screen(screen)
    await settle(app, pilot)
    assert screen.index is not None
    return screen


async def type_query(app, pilot, query: str) -> None:
    await pilot.press(*query)
    await pilot.pause(0.2)  # past the debounce
    await settle(app, pilot)


def result_ids(screen: RulebookScreen) -> list[str]:
    return [option.id for option in screen.query_one(ResultList).options]


def highlighted_texts(prompt: Text) -> list[str]:
    """The pieces of a result prompt drawn in the match style (background set)."""
    return [prompt.plain[span.start : span.end] for span in prompt.spans if getattr(span.style, "bgcolor", None)]


def shown_text(screen: RulebookScreen) -> str:
    return "\n".join(line.text for line in screen.query_one(SectionView).lines)


def hostile_rulebook(tmp_path: Path) -> Path:
    return write_edition(tmp_path / "rulebook", "zh", {"duty.md": HOSTILE})


@pytest.mark.parametrize(("language", "query"), [("zh", "值班"), ("zh", "公章"), ("en", "seal")])
async def test_typing_shows_ranked_results_with_the_match_highlighted(make_app, language, query):
    app = make_app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot)
        await type_query(app, pilot, query)
        expected = rulebook_index(language).search(query, RESULT_LIMIT)
        assert result_ids(screen) == [hit.id for hit in expected.hits]
        assert 0 < len(result_ids(screen)) <= RESULT_LIMIT
        first = screen.query_one(ResultList).options[0].prompt
        assert isinstance(first, Text)
        assert expected.hits[0].title in first.plain
        assert expected.hits[0].document_title in first.plain
        assert highlighted_texts(first) and all(piece.lower() == query for piece in highlighted_texts(first))
        assert str(expected.total) in str(screen.query_one("#rulebook-status", Static).render())
        assert screen.query_one(ContentSwitcher).current == "rulebook-results"


async def test_enter_opens_the_top_result_and_the_list_opens_any_other(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot)
        await type_query(app, pilot, "公章")
        ids = result_ids(screen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.current is not None and screen.current.id == ids[0]
        assert screen.query_one(ContentSwitcher).current == "rulebook-reader"
        assert "公章" in shown_text(screen)
        heading = str(screen.query_one("#rulebook-heading", Static).render())
        assert screen.current.title in heading and "传真电报收发管理" in heading
        await pilot.press("ctrl+f")  # back to the results, query kept
        assert screen.query_one(SearchBox).has_focus
        assert screen.query_one(ContentSwitcher).current == "rulebook-results"
        await pilot.press("tab", "down", "enter")
        await settle(app, pilot)
        assert screen.current.id == ids[1]
        await pilot.press("ctrl+f")
        await pilot.click(ResultList, offset=(3, 0))
        await settle(app, pilot)
        assert screen.current.id == ids[0]


async def test_the_contents_list_the_document_and_open_what_is_chosen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot, section="report.time-limits")
        rulebook = cached_rulebook("zh")
        expected = [s for s in rulebook.sections.values() if s.document == "report"]
        toc = screen.query_one("#rulebook-toc", OptionList)
        assert [option.id for option in toc.options] == [s.id for s in expected]
        labels = {option.id: option.prompt.plain for option in toc.options}
        assert labels["report"] == "紧急情况重大事件报告处理规范"
        assert labels["report.time-limits"] == "  报告时限"
        assert labels["report.time-limits.local"] == "    时限的来源与地方差异"
        assert toc.highlighted_option.id == "report.time-limits"
        toc.focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert screen.current.id == "report.time-limits.local"
        assert toc.has_focus


async def test_links_are_followed_from_the_list_and_by_clicking_the_text(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot, section="documents.seal-check")
        links = screen.query_one("#rulebook-links", OptionList)
        assert [option.id for option in links.options] == ["report.sign-off-seal"]
        links.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.current.id == "report.sign-off-seal"
        view = screen.query_one(SectionView)
        x, y, action = first_link(view)
        assert action.startswith("follow_link(")
        await pilot.click(SectionView, offset=(view.styles.padding.left + x + 1, y))
        await settle(app, pilot)
        assert screen.current.id == action.split("'")[1] != "report.sign-off-seal"


def first_link(view: SectionView) -> tuple[int, int, str]:
    """Cell offset, line and click action of the first link in the rendered section."""
    for y, line in enumerate(view.lines):
        x = 0
        for segment in line:
            if segment.style is not None and "@click" in segment.style.meta:
                return x, y, segment.style.meta["@click"]
            x += segment.cell_length
    raise AssertionError("no link in the section")


async def test_section_argument_opens_it_directly_and_query_prefills_the_search(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot, query="初报", section="report.initial")
        assert screen.current.id == "report.initial"
        assert screen.query_one(ContentSwitcher).current == "rulebook-reader"
        assert screen.query_one(SearchBox).value == "初报"
        assert "report.initial" in result_ids(screen)
        await pilot.press("escape")
        missing = await open_rulebook(app, pilot, section="no.such-rule")
        assert missing.current is None
        assert "no.such-rule" in str(missing.query_one("#rulebook-status", Static).render())


class TickingScreen(Screen[None]):
    """Stands in for the drill room: its clock ticks from its own interval."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0

    def on_mount(self) -> None:
        self.set_interval(0.05, self.tick)

    def tick(self) -> None:
        self.ticks += 1


async def test_escape_returns_to_the_drill_whose_clock_kept_ticking(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        drill = TickingScreen()
        await app.push_screen(drill)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, RulebookScreen)
        before = drill.ticks
        await type_query(app, pilot, "值班")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert drill.ticks >= before + 4
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is drill


async def test_markup_and_escape_sequences_in_the_rulebook_show_literally(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot, directory=hostile_rulebook(tmp_path), section="duty")
        text = shown_text(screen)
        assert "[bold red]不是粗体[/bold red]" in text
        assert "[link=https://example.com]点我[/link]" in text
        assert "红色" in text and "\x1b" not in text and "[31m" not in text
        heading = screen.query_one("#rulebook-heading", Static).render()
        assert "值班[bold]制度[/bold]" in str(heading)
        assert screen.query_one("#rulebook-toc", OptionList).options[0].prompt.plain == "值班[bold]制度[/bold]"
        await pilot.press("ctrl+f")
        await type_query(app, pilot, "粗体")
        prompt = screen.query_one(ResultList).options[0].prompt
        assert "[bold red]不是粗体" in prompt.plain and highlighted_texts(prompt) == ["粗体", "粗体"]


async def test_a_huge_paste_is_cut_to_the_limit_and_cleaned(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot)
        search = screen.query_one(SearchBox)
        search.post_message(events.Paste("公章\x1b[31m\x07\t值班" + "字" * 100_000))
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert len(search.value) == MAX_QUERY_CHARACTERS
        assert search.value.startswith("公章 值班字")
        assert not any(ord(character) < 32 for character in search.value)
        assert "rulebook.search.invalid" not in str(screen.query_one("#rulebook-status", Static).render())


async def test_the_rulebook_follows_the_app_language(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot, section="report.time-limits")
        assert screen.rulebook.language == "en"
        assert "Reporting time limits" in str(screen.query_one("#rulebook-heading", Static).render())
        assert ENGLISH["rulebook.sample"] in str(screen.query_one("#rulebook-notice", Static).render())


async def test_bindings_have_ids_and_show_in_the_footer(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rulebook(app, pilot)
        # Textual's own tab / shift+tab focus bindings are hidden; every shown one has an id.
        bindings = [binding for group in screen._bindings.key_to_bindings.values() for binding in group if binding.show]
        assert {binding.id for binding in bindings} == {"rulebook.close", "rulebook.search"}
        assert all(binding.description == CHINESE[f"binding.{binding.id}"] for binding in bindings)
        footer_text = " ".join(str(key.render()) for key in screen.query_one(Footer).query("FooterKey"))
        assert CHINESE["binding.rulebook.close"] in footer_text and CHINESE["binding.rulebook.search"] in footer_text


async def test_it_fits_at_80_by_24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_rulebook(app, pilot, section="report.time-limits")
        for selector in ("#rulebook-search", "#rulebook-heading", "#rulebook-toc", "#rulebook-links", "#rulebook-notice", "Footer"):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.height > 0, selector
            assert region.bottom <= 24 and region.right <= 80, selector
        assert screen.query_one(SectionView).region.height >= 6
        assert "报告时限" in shown_text(screen)


async def test_screenshot_at_120_by_40_shows_the_section(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_rulebook(app, pilot, section="documents.seal-check")
        path = Path(app.save_screenshot(path=str(tmp_path), filename="rulebook.svg"))
        svg = path.read_text(encoding="utf-8")
        assert "公章与签批检查" in svg.replace("&#160;", " ")
        assert "示例规则库" in svg


def test_both_languages_have_the_same_rulebook_text_keys():
    assert CHINESE.keys() == ENGLISH.keys()
    assert all(key in TABLES["zh"] and key in TABLES["en"] for key in CHINESE)
