"""An exam in the app asks for the trainee's PIN; only then does it count toward clearance."""

from __future__ import annotations

from textual.widgets import Input

from scoring.attestation import attempt_standing, exam_counts
from scoring.trainers import Trainer
from tui.screens.drill_room import DrillRoomScreen
from tui.screens.pin import PinScreen


async def open_library_on_exam(app, pilot, records, name):
    app.trainee = records.require_trainee(name)
    app.open_library()
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()


async def test_the_right_pin_starts_an_attested_exam(make_app, records):
    records.add_trainee("王小明")
    trainer = Trainer.set_first_passphrase(records, "a long trainer passphrase")
    trainer.set_pin("王小明", "4321")
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_library_on_exam(app, pilot, records, "王小明")
        assert isinstance(app.screen, PinScreen)
        app.screen.query_one("#pin-input", Input).value = "9999"
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert not isinstance(app.screen, DrillRoomScreen)  # wrong PIN: no exam
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#pin-input", Input).value = "4321"
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert isinstance(app.screen, DrillRoomScreen)
        standing = attempt_standing(records.db, app.screen.sitting.attempt_id)
    assert standing.attested_by == "pin"


async def test_without_a_pin_the_exam_runs_but_is_said_not_to_count(make_app, records):
    records.add_trainee("李")
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_library_on_exam(app, pilot, records, "李")
        assert isinstance(app.screen, DrillRoomScreen)
        attempt_id = app.screen.sitting.attempt_id
    assert not exam_counts(attempt_standing(records.db, attempt_id))
