"""Snapshots of every screen at a fixed size, with the drill clock paused and cursors still.

After a deliberate change to a screen, regenerate and look at the new pictures:
    UPDATE_SNAPSHOTS=1 uv run pytest tests/tui/test_snapshots.py
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from drills.playbook import built_in_playbook, run_playbook
from scoring.sitting import Sitting
from scoring.attestation import attest_attempt
from scoring.trainers import Trainer
from tui.screens.debrief import DebriefScreen
from tui.screens.drill_room import DrillRoomScreen
from tui.screens.progress import ProgressScreen
from tui.screens.readiness import ReadinessScreen
from tui.screens.rulebook import RulebookScreen

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (100, 30)
TODAY = datetime.date(2026, 11, 27)


def still(app) -> None:
    """No blinking cursors: a snapshot must not depend on when it was taken."""
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False


async def check(app, pilot, name: str) -> None:
    await pilot.wait_for_scheduled_animations()
    await app.workers.wait_for_complete()  # a busy machine must not catch a worker half-way
    await pilot.pause(0.3)  # screens that lay out again once sized settle first
    still(app)
    picture = app.export_screenshot()
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(picture, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run UPDATE_SNAPSHOTS=1 uv run pytest {__file__}"
    assert picture == path.read_text(encoding="utf-8"), f"{name} changed: look at it, then UPDATE_SNAPSHOTS=1"


@pytest.fixture
def sat(records, builtin_library, policy):
    """A trainee with one finished ideal attempt of the night call."""
    trainee = records.add_trainee("王小明", "县委办公室")

    def attempt(language: str) -> int:
        sitting = Sitting.start(records, trainee, builtin_library.find("night-mine-flood", language), policy, 3, "exam")
        run_playbook(sitting.drill, *built_in_playbook("ideal", sitting.drill.scenario))
        sitting.finish()
        return sitting.attempt_id

    return trainee, attempt


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_start_and_library(language, make_app, sat):
    trainee, _ = sat
    app = make_app(language)
    async with app.run_test(size=SIZE) as pilot:
        await check(app, pilot, f"start-{language}")
        app.trainee = trainee
        app.open_library()
        await pilot.pause()
        await check(app, pilot, f"library-{language}")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_drill_room(language, make_app, records, builtin_library, policy, sat):
    trainee, _ = sat
    app = make_app(language)
    async with app.run_test(size=SIZE) as pilot:
        app.trainee = trainee
        sitting = Sitting.start(records, trainee, builtin_library.find("night-mine-flood", language), policy, 3, "practice")
        sitting.drill.pause()
        await app.push_screen(DrillRoomScreen(sitting))
        await pilot.press("f8", "f2")
        await pilot.pause()
        app.screen.query_one("#ask-who").press()
        await pilot.pause()
        await check(app, pilot, f"drill-room-{language}")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_debrief_and_progress(language, make_app, sat):
    trainee, attempt = sat
    attempt_id = attempt(language)
    app = make_app(language)
    async with app.run_test(size=SIZE) as pilot:
        app.trainee = trainee
        await app.push_screen(DebriefScreen(attempt_id))
        await pilot.pause()
        await check(app, pilot, f"debrief-{language}")
        await pilot.press("t")
        await pilot.pause()
        await check(app, pilot, f"debrief-timeline-{language}")
        await app.push_screen(ProgressScreen(trainee, today=TODAY))
        await pilot.pause()
        await check(app, pilot, f"progress-{language}")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_rulebook(language, make_app):
    app = make_app(language)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(RulebookScreen(section="report.time-limits"))
        await pilot.pause(0.5)
        await check(app, pilot, f"rulebook-{language}")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_readiness_board(language, make_app, records, sat):
    _, attempt = sat
    attest_attempt(records.db, attempt(language), "pin")  # an exam that counts, valid until 2027-11-27
    trainer = Trainer.set_first_passphrase(records, "值班室-教员-2026")
    for name, cohort in (("李娜", "2026年第一期"), ("赵强", "2026年第一期"), ("陈静", "2026年第二期")):
        trainer.add_trainee(name, "县委办公室", cohort)
    trainer.clear_by_hand("陈静", datetime.date(2027, 12, 31), "已在市委办值班三年")
    app = make_app(language)
    async with app.run_test(size=SIZE) as pilot:
        # A year on: the exam is about to run out.
        await app.push_screen(ReadinessScreen(trainer, today=datetime.date(2027, 11, 10)))
        await pilot.pause()
        await check(app, pilot, f"readiness-{language}")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_trainer_desk_and_group_console(language, make_app, records, builtin_library, policy, sat):
    from scoring.groups import join_session, open_session
    from tui.screens.group_console import GroupConsoleScreen
    from tui.screens.trainer_home import TrainerHomeScreen

    trainee, _ = sat
    trainer = Trainer.set_first_passphrase(records, "值班室-教员-2026")
    # A waiting session: its clock stands at the drill's start, whenever the picture is taken.
    session = open_session(trainer, builtin_library.find("night-mine-flood", language), 7, "practice",
                           choose=lambda alphabet: alphabet[0])
    join_session(records, session.code, trainee.name, policy, 0.0)
    app = make_app(language)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TrainerHomeScreen(trainer))
        await pilot.pause()
        await check(app, pilot, f"trainer-desk-{language}")
        await app.push_screen(GroupConsoleScreen(trainer, session.id))
        await pilot.pause(0.5)  # the members' status comes from a worker
        await check(app, pilot, f"group-console-{language}")
