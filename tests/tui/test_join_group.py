"""A trainee joins a group drill from the app and sits it on the trainer's clock.

The trainer's side is driven through ``scoring.groups`` (as the console or another
terminal would); the trainee's through the library, the join dialog and the drill room.
"""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from scoring.groups import close_session, fire_inject, open_session, pause_session, resume_session, start_session
from scoring.trainers import Trainer
from tui.screens.debrief import DebriefScreen
from tui.screens.drill_room import DrillRoomScreen
from tui.screens.join_group import JoinGroupScreen
from tui.screens.library import LibraryScreen
from tui.screens.start import StartScreen
from tests.tui.test_group_console import wait_for


@pytest.fixture
def trainer(records) -> Trainer:
    return Trainer.set_first_passphrase(records, "值班室-教员-2026")


async def join_from_the_library(app, pilot, code: str) -> None:
    await wait_for(pilot, lambda: app.ready)
    app.open_library()
    await wait_for(pilot, lambda: isinstance(app.screen, LibraryScreen))
    await pilot.pause()  # the library's header composes before a dialog goes over it
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, JoinGroupScreen)
    field = app.screen.query_one("#join-code", Input)
    field.value = code.lower()  # read aloud, typed in lower case: still the code
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_trainee_joins_answers_and_is_debriefed_when_the_trainer_closes(language, make_app, records, trainer, builtin_library):
    session = open_session(trainer, builtin_library.find("night-mine-flood", language), 11, "practice", speed=12)
    start_session(trainer, session.id, time.time())
    app = make_app(language)
    app.trainee = records.add_trainee("学员" if language == "zh" else "Trainee")
    async with app.run_test(size=(120, 40)) as pilot:
        await join_from_the_library(app, pilot, session.code)
        await wait_for(pilot, lambda: isinstance(app.screen, DrillRoomScreen))
        room = app.screen
        assert room.group is not None and room.group.session.id == session.id
        clock_line = str(room.query_one("#drill-clock").render())
        assert session.code in clock_line and f"×{session.speed:g}" in clock_line

        await pilot.press("f7")  # the trainee cannot pause a group drill
        await pilot.pause()
        assert not room.drill.paused

        fire_inject(trainer, session.id, "night_call", time.time())  # the trainer rings everyone now
        await wait_for(pilot, lambda: "night_call" in room.drill.inbox)
        room.query_one("#inbox").highlighted = 0
        await pilot.press("f2")  # answer
        await wait_for(pilot, lambda: any(e.kind == "action" for e in room.drill.journal))
        assert [e.data["action"]["kind"] for e in room.drill.journal if e.kind == "action"] == ["answer"]

        pause_session(trainer, session.id, time.time())
        await wait_for(pilot, lambda: room.drill.paused)
        before = len(room.drill.journal)
        room.query_one("#item-words", Input).value = "hello"
        room.query_one("#do-greet").press()  # refused while the trainer has paused everyone
        await pilot.pause()
        assert len(room.drill.journal) == before
        resume_session(trainer, session.id, time.time())
        await wait_for(pilot, lambda: not room.drill.paused)

        close_session(trainer, session.id, time.time())
        await wait_for(pilot, lambda: isinstance(app.screen, DebriefScreen))
        await pilot.pause()
    attempt = records.attempts_of(app.trainee)[-1]
    assert attempt.status == "interrupted" and attempt.score is not None


async def test_a_wrong_code_is_said_and_the_trainee_stays_in_the_library(make_app, records, trainer):
    app = make_app("en")
    app.trainee = records.add_trainee("Trainee")
    async with app.run_test(size=(120, 40)) as pilot:
        await join_from_the_library(app, pilot, "ZZZZZZ")
        assert isinstance(app.screen, LibraryScreen)
        assert any("ZZZZZZ" in str(n.message) for n in app._notifications)
        assert records.attempts_of(app.trainee) == []


async def test_a_trainee_who_dropped_out_rejoins_from_the_start_screen(make_app, records, trainer, builtin_library, policy):
    from scoring.groups import join_session

    session = open_session(trainer, builtin_library.find("night-mine-flood", "zh"), 5, "practice")
    start_session(trainer, session.id, time.time())
    trainee = records.add_trainee("学员")
    first = join_session(records, session.code, "学员", policy, time.time())  # then the terminal closed
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready and isinstance(app.screen, StartScreen))
        await wait_for(pilot, lambda: app.screen.query_one("#trainee-list").option_count == 1)
        await pilot.press("enter")  # the trainee: an interrupted attempt is offered
        await wait_for(pilot, lambda: app.screen.interrupted is not None)
        app.screen.query_one("#resume").press()
        await wait_for(pilot, lambda: isinstance(app.screen, DrillRoomScreen))
        room = app.screen
        assert room.group is not None and room.sitting.attempt_id == first.sitting.attempt_id
    assert len(records.attempts_of(trainee)) == 1
