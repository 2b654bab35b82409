"""Two dialogs of the trainer's console: pick an inject to fire, and the group debrief."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from drills.scenario import Scenario
from drills.timing import clock_text
from knowledge.rulebook import cached_rulebook
from scoring.group_reports import group_debrief
from scoring.groups import GroupSession
from scoring.trainers import Trainer
from tui.group_text import EXPECTATION_COLUMNS, GroupWords, column_titles
from tui.keys import binding, localize_bindings
from tui.safe_text import literal


class FireInjectScreen(ModalScreen[str | None]):
    """Every inject of the drill, with its planned time; returns the one chosen, or None."""

    BINDINGS = [binding("console.dialog_close", "cancel")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        t = self.app.t
        localize_bindings(self, self.app.language)
        with Vertical(id="fire-box", classes="console-dialog"):
            yield Static(t("console.fire.title"), classes="section-title")
            options = []
            for inject in self.scenario.injects:
                when = clock_text(self.scenario, inject.at) if inject.at is not None else t("console.fire.conditional")
                options.append(Option(literal(f"{when}  {inject.summary}  ({inject.id})"), id=inject.id))
            yield OptionList(*options, id="fire-injects")

    @on(OptionList.OptionSelected, "#fire-injects")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class GroupDebriefScreen(ModalScreen[None]):
    """Which steps the group found hard, the commonest mistakes with their rules, every timeline."""

    BINDINGS = [binding("console.dialog_close", "dismiss")]

    def __init__(self, trainer: Trainer, session: GroupSession, scenario: Scenario) -> None:
        super().__init__()
        self.trainer = trainer
        self.session = session
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        language = self.app.language
        localize_bindings(self, language)
        debrief = group_debrief(self.trainer.db, self.session.id, cached_rulebook(self.session.language).title_of)
        words = GroupWords(language, self.scenario, self.session.seed)
        with VerticalScroll(id="debrief-box", classes="console-dialog"):
            yield Static(literal(self.app.t("group.debrief.heading", code=self.session.code, drill=self.scenario.title,
                                            members=len(debrief["trainees"]))), classes="section-title")
            table = DataTable(id="group-expectations", cursor_type="row", zebra_stripes=True)
            table.add_columns(*column_titles(language, EXPECTATION_COLUMNS))
            for row in words.expectation_rows(debrief):
                table.add_row(*(literal(cell) for cell in row))
            yield table
            yield Static(self.app.t("group.debrief.side_by_side"), classes="section-title")
            columns, rows = words.side_by_side(debrief)
            steps = DataTable(id="group-side-by-side", cursor_type="cell", zebra_stripes=True)
            steps.add_columns(*(literal(column) for column in columns))
            for row in rows:
                steps.add_row(*(literal(cell) for cell in row))
            yield steps
            yield Static(literal("\n".join(words.debrief_tail(debrief))), id="group-debrief-text")
