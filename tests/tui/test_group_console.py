"""The trainer's side of a group drill in the app: sign in, open a session, run it for everyone.

Trainees join in-process through ``join_session`` (as their own terminals would); the
console is driven with Pilot and checked against the session in the database.
"""

from __future__ import annotations

import time

import pytest
from textual.widgets import Button, DataTable, Input, OptionList, Static

from scoring.groups import join_session, session_by_id, session_drill_file, session_events
from scoring.trainers import Trainer
from tui.group_text import GroupWords
from tui.screens import trainer_sign_in
from tui.screens.group_console import GroupConsoleScreen
from tui.screens.group_dialogs import FireInjectScreen, GroupDebriefScreen
from tui.screens.trainer_home import TrainerHomeScreen
from tui.screens.trainer_sign_in import TrainerSignInScreen

PASSPHRASE = "值班室-教员-2026"


async def wait_for(pilot, condition, seconds: float = 15) -> None:
    """Let the app run until ``condition()`` holds (the console's status comes from a thread)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the screen never reached the expected state"
        await pilot.pause(0.05)


async def type_into(pilot, field: Input, value: str) -> None:
    field.focus()
    field.value = value
    await pilot.press("enter")
    await pilot.pause()


@pytest.fixture(autouse=True)
def no_wait_after_a_wrong_passphrase(monkeypatch):
    monkeypatch.setattr(trainer_sign_in, "WRONG_PASSPHRASE_DELAY", 0.05)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_first_use_sets_the_passphrase_and_a_mismatch_is_said(language, make_app, records):
    app = make_app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrainerSignInScreen) and screen.first_use
        await type_into(pilot, screen.query_one("#passphrase", Input), PASSPHRASE)
        await type_into(pilot, screen.query_one("#passphrase-again", Input), PASSPHRASE + "x")
        assert app.t("trainer.sign_in.mismatch") in str(screen.query_one("#sign-in-message", Static).render())
        await type_into(pilot, screen.query_one("#passphrase-again", Input), PASSPHRASE)
        await wait_for(pilot, lambda: isinstance(app.screen, TrainerHomeScreen))
    Trainer.sign_in(records, PASSPHRASE)  # stored: it signs in from now on


async def test_a_wrong_passphrase_is_refused_and_nothing_opens(make_app, records):
    Trainer.set_first_passphrase(records, PASSPHRASE)
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        field = screen.query_one("#passphrase", Input)
        await type_into(pilot, field, "not the passphrase")
        assert "wrong" in str(screen.query_one("#sign-in-message", Static).render()).lower()
        assert field.value == "" and isinstance(app.screen, TrainerSignInScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (TrainerSignInScreen, TrainerHomeScreen))


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_trainer_opens_and_runs_a_group_drill_for_everyone(language, make_app, records, policy):
    Trainer.set_first_passphrase(records, PASSPHRASE)
    names = ["王值班", "[bold]李[/bold]"] if language == "zh" else ["Wang", "[bold]Li[/bold]"]
    for name in names:
        records.add_trainee(name)
    app = make_app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("f4")
        await pilot.pause()
        await type_into(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await wait_for(pilot, lambda: isinstance(app.screen, TrainerHomeScreen))
        home = app.screen
        drills = home.query_one("#trainer-drills", OptionList)
        drills.highlighted = [d.scenario.id for d in home.drills].index("night-mine-flood")
        home.query_one("#trainer-seed", Input).value = "4242"
        home.query_one("#open-session", Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, GroupConsoleScreen))
        console = app.screen
        session = console.session
        assert (session.drill, session.seed, session.mode, session.state) == ("night-mine-flood", 4242, "practice", "waiting")
        assert session.code in str(console.query_one("#console-heading", Static).render())

        # two trainees join from their own terminals
        sittings = [join_session(records, session.code, name, policy, time.time()) for name in names]
        await pilot.press("f2")  # start everyone
        assert session_by_id(records.db, session.id).state == "running"
        table = console.query_one("#console-members", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        shown = [str(table.get_row_at(row)[0]) for row in range(2)]
        assert sorted(shown) == sorted(names)  # markup in a name is shown as typed

        await pilot.press("f3")
        assert session_by_id(records.db, session.id).state == "paused"
        await pilot.press("f3")
        assert session_by_id(records.db, session.id).state == "running"
        await pilot.press("f7")
        await pilot.press("f5")
        assert session_by_id(records.db, session.id).shift_seconds == 60

        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, FireInjectScreen)
        injects = app.screen.query_one("#fire-injects", OptionList)
        injects.highlighted = [option.id for option in injects.options].index("township_update")
        await pilot.press("enter")
        await pilot.pause()
        kinds = [(event.kind, event.data) for event in session_events(records.db, session.id)]
        assert kinds == [("pause", {}), ("resume", {}), ("shift", {"minutes": 1}), ("shift", {"minutes": -5}),
                         ("fire", {"inject": "township_update"})]

        await pilot.press("f10")  # once asks; twice closes
        assert session_by_id(records.db, session.id).state == "running"
        await pilot.press("f10")
        assert session_by_id(records.db, session.id).state == "closed"
        for sitting in sittings:  # each trainee's next sync scores and closes their attempt
            sitting.sync(time.time())
            assert sitting.closed
        await pilot.press("f9")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, GroupDebriefScreen)
        expectations = debrief.query_one("#group-expectations", DataTable)
        assert expectations.row_count > 0
        missed_by_both = [expectations.get_row_at(row) for row in range(expectations.row_count)]
        assert all(str(row[3]) == "2" for row in missed_by_both)  # nobody did anything: both missed every step
        assert names[1] in str(debrief.query_one("#group-debrief-text", Static).render())
        side_by_side = debrief.query_one("#group-side-by-side", DataTable)
        assert [str(column.label) for column in side_by_side.columns.values()][1:] == sorted(names)
        missed = app.t("status.missed")
        cells = {str(side_by_side.get_row_at(row)[0]): [str(cell) for cell in side_by_side.get_row_at(row)[1:]]
                 for row in range(side_by_side.row_count)}
        labels = GroupWords(language, session_drill_file(records.db, session).scenario, session.seed).steps
        assert cells[labels["answer_update"]] == [missed, missed]  # nobody answered the call the trainer fired
        assert cells[labels["final_report"]] == ["—", "—"]  # the drill ended before that step came up
        assert len(set(labels.values())) == len(labels)  # every step has a label of its own
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GroupConsoleScreen)


async def test_a_refused_control_is_said_not_raised(make_app, records):
    trainer = Trainer.set_first_passphrase(records, PASSPHRASE)
    from scoring.groups import open_session

    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        session = open_session(trainer, app.library.find("night-mine-flood", "en"), 1, "exam")
        await app.push_screen(GroupConsoleScreen(trainer, session.id))
        await pilot.press("f3")  # pausing a session that has not started
        await pilot.pause()
        assert session_by_id(records.db, session.id).state == "waiting"
        assert any("not started" in str(n.message) or session.code in str(n.message) for n in app._notifications)


async def test_the_trainer_desk_opens_the_readiness_board(make_app, records):
    from tui.screens.readiness import ReadinessScreen

    Trainer.set_first_passphrase(records, PASSPHRASE)
    records.add_trainee("王值班")
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("f4")
        await pilot.pause()
        await type_into(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await wait_for(pilot, lambda: isinstance(app.screen, TrainerHomeScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadinessScreen))
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainerHomeScreen))
