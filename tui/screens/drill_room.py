"""The drill room: where a trainee sits a drill.

One ``set_interval`` advances the drill by the real time that passed (measured with
``time.monotonic``, never by counting ticks: Textual drops late ticks). Widgets send
``ActionRequested`` up; this screen hands the action to the sitting, then redraws from
the drill's state and journal. The rulebook (F1) opens on top without stopping the clock.

In a group drill the trainer owns the clock: each tick syncs the sitting to the session's
shared time instead, pause, skip and finish are the trainer's, and the room turns into the
debrief once the session closes or the drill ends.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static, TabbedContent, TabPane, TextArea

from drills.engine import ActionRefused, InboxItem
from scoring.sitting import Sitting
from tui.drafts import discard_drafts, load_drafts, save_drafts
from tui.keys import binding, localize_bindings
from tui.safe_text import literal
from tui.widgets.directory import Directory
from tui.widgets.handover_form import HandoverForm
from tui.widgets.inbox import Deadlines, DrillClock, Inbox
from tui.widgets.item_view import ItemView
from tui.widgets.log_form import LogForm
from tui.widgets.messages import ActionRequested, DraftChanged
from tui.widgets.report_composer import ReportComposer

if TYPE_CHECKING:
    from scoring.groups import GroupSitting

TICK_SECONDS = 0.1
DRAFT_SAVE_SECONDS = 1.0
FINISH_CONFIRM_SECONDS = 5.0


class DrillRoomScreen(Screen[None]):
    BINDINGS = [
        binding("drill.answer", "first_step", priority=True),
        binding("drill.log", "tab('log')", priority=True),
        binding("drill.directory", "tab('directory')", priority=True),
        binding("drill.report", "tab('report')", priority=True),
        binding("drill.handover", "tab('handover')", priority=True),
        binding("drill.pause", "pause", priority=True),
        binding("drill.skip", "skip", priority=True),
        binding("drill.finish", "finish", priority=True),
        binding("drill.next_item", "next_item(1)", show=False, priority=True),
        binding("drill.previous_item", "next_item(-1)", show=False, priority=True),
    ]

    def __init__(self, sitting: Sitting, group: GroupSitting | None = None) -> None:
        super().__init__()
        self.sitting = sitting
        self.group = group  # set when sitting a trainer's group drill on the shared clock
        self.sync_failed = False
        self.drill = sitting.drill
        self.practice = sitting.mode == "practice"
        self.seen_entries = -1
        self.last_tick = 0.0
        self.drafts = load_drafts(sitting.attempt_id)
        self.drafts_dirty_since: float | None = None
        self.finish_asked_at: float | None = None
        self.finished = False

    def compose(self) -> ComposeResult:
        t = self.app.t
        localize_bindings(self, self.app.language)
        with Horizontal(id="room-top"):
            yield DrillClock(id="drill-clock")
            yield Static(literal(self.drill.scenario.title), id="room-title")
        with Horizontal(id="room"):
            with Vertical(id="room-left"):
                yield Static(t("room.inbox"), classes="section-title")
                yield Inbox(id="inbox")
                if self.practice:
                    yield Static(t("room.deadlines"), classes="section-title")
                    yield Deadlines(id="deadlines")
            with Vertical(id="room-right"):
                yield ItemView(t, id="item-view")
                with TabbedContent(id="work-tabs"):
                    with TabPane(t("tab.log"), id="log"):
                        yield LogForm(t, id="log-form")
                    with TabPane(t("tab.directory"), id="directory"):
                        yield Directory(t, id="directory-panel")
                    with TabPane(t("tab.report"), id="report"):
                        yield ReportComposer(t, id="report-composer")
                    with TabPane(t("tab.handover"), id="handover"):
                        yield HandoverForm(t, id="handover-form")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Directory).fill(self.drill)
        self.query_one(ReportComposer).fill(self.drill)
        self.restore_drafts()
        self.last_tick = time.monotonic()
        self.redraw()
        self.set_interval(TICK_SECONDS, self.tick)

    # -- the clock -----------------------------------------------------------------------

    def tick(self) -> None:
        if self.finished:
            return
        now = time.monotonic()
        if self.group is not None:
            self.sync_group()
            if self.group.closed:
                self.finish()
                return
        else:
            self.drill.advance(now - self.last_tick)
        self.last_tick = now
        self.redraw()
        if self.drafts_dirty_since is not None and now - self.drafts_dirty_since >= DRAFT_SAVE_SECONDS:
            save_drafts(self.sitting.attempt_id, self.drafts)
            self.drafts_dirty_since = None
        if self.drill.ended:
            self.finish()

    def sync_group(self) -> None:
        """Catch up with the shared clock; a busy or vanished database is said once, not raised."""
        from scoring.records import RecordsError

        try:
            self.group.sync(time.time())
        except (RecordsError, sqlite3.Error) as error:
            if not self.sync_failed:
                self.notify(self.app.t("room.group_sync_failed", reason=str(error)), severity="error", timeout=10)
            self.sync_failed = True
        else:
            self.sync_failed = False

    def redraw(self) -> None:
        """The clock and countdowns every tick; the rest only when the journal has grown."""
        t = self.app.t
        group = self.group.session if self.group is not None else None
        self.query_one(DrillClock).show(self.drill, t, self.sitting.mode, group)
        inbox = self.query_one(Inbox)
        ringing = any(item.state.value == "ringing" for item in self.drill.inbox.values())
        if len(self.drill.journal) != self.seen_entries or ringing:
            inbox.show(self.drill, t)
            if inbox.highlighted is None and inbox.option_count:
                inbox.highlighted = 0
        if len(self.drill.journal) != self.seen_entries:
            self.seen_entries = len(self.drill.journal)
            self.show_item(self.current_item())
        if self.practice:
            self.query_one(Deadlines).show(self.drill, t)

    def current_item(self) -> InboxItem | None:
        option = self.query_one(Inbox).highlighted_option
        return self.drill.inbox.get(option.id) if option is not None else None

    def show_item(self, item: InboxItem | None) -> None:
        self.query_one(ItemView).show(self.drill, item)
        for panel in (LogForm, Directory, ReportComposer, HandoverForm):
            self.query_one(panel).show(item)

    @on(OptionList.OptionHighlighted, "#inbox")
    def item_highlighted(self) -> None:
        self.show_item(self.current_item())

    @on(OptionList.OptionSelected, "#deadlines")
    def deadline_chosen(self, event: OptionList.OptionSelected) -> None:
        self.app.action_open_rulebook(section=self.query_one(Deadlines).rules[str(event.option.id)])

    # -- actions -------------------------------------------------------------------------

    @on(ActionRequested)
    def take_action(self, event: ActionRequested) -> None:
        event.stop()
        if self.group is not None and self.group.session.state != "running":
            self.notify(self.app.t(f"room.group_{self.group.session.state}"), severity="warning")
            return
        try:
            (self.group or self.sitting).act(event.action)
        except ActionRefused as refusal:
            self.notify(self.app.t("room.refused", reason=str(refusal)), severity="warning")
        self.redraw()

    @on(DraftChanged)
    def draft_changed(self, event: DraftChanged) -> None:
        event.stop()
        self.drafts[event.field] = event.value
        if self.drafts_dirty_since is None:
            self.drafts_dirty_since = time.monotonic()

    def restore_drafts(self) -> None:
        for field_id, value in self.drafts.items():
            for widget in self.query(f"#{field_id}"):
                if isinstance(widget, Input):
                    widget.value = value
                elif isinstance(widget, TextArea):
                    widget.text = value

    def fill_log(self) -> None:
        self.query_one(LogForm).fill_from(self.drill)

    def prefill_report(self) -> None:
        item = self.current_item()
        logs = [e for e in self.drill.journal if e.kind == "action" and e.data["action"]["kind"] == "log"
                and item is not None and e.data["action"]["inject"] == item.inject.id]
        self.query_one(ReportComposer).prefill(self.drill, logs[-1].data["action"]["fields"] if logs else {})

    def action_first_step(self) -> None:
        self.query_one(ItemView).take_first_step()

    def action_tab(self, pane: str) -> None:
        self.query_one("#work-tabs", TabbedContent).active = pane

    def action_next_item(self, step: int) -> None:
        self.query_one(Inbox).select_next(step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a group drill the trainer holds the clock: pause, skip and finish show dimmed and do nothing."""
        if self.group is not None and action in ("pause", "skip", "finish"):
            return None
        return True

    def action_pause(self) -> None:
        if self.drill.paused:
            self.drill.resume()
        else:
            self.drill.pause()
        self.last_tick = time.monotonic()

    def action_skip(self) -> None:
        if not self.drill.skip_to_next():
            self.notify(self.app.t("room.cannot_skip"), severity="warning")

    def action_finish(self) -> None:
        """F10 twice within a few seconds: a drill is not ended by one stray key."""
        now = time.monotonic()
        if self.finish_asked_at is None or now - self.finish_asked_at > FINISH_CONFIRM_SECONDS:
            self.finish_asked_at = now
            self.notify(self.app.t("room.confirm_finish"))
            return
        self.finish()

    def finish(self) -> None:
        from tui.screens.debrief import DebriefScreen

        if self.finished:
            return
        self.finished = True
        if self.group is None:
            self.sitting.finish()  # a group sitting scored and closed itself when its session ended
        discard_drafts(self.sitting.attempt_id)
        self.app.switch_screen(DebriefScreen(self.sitting.attempt_id))
