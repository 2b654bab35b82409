"""Sitting a whole drill through the drill room's widgets, in both languages.

Answer, greet naming the unit, ask, log, verify, escalate, report and finish; then the
journal holds those actions and the stored scorecard judges them.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from scoring.sitting import Sitting
from tui.screens.drill_room import DrillRoomScreen

UNIT_GREETING = {"zh": "您好，这里是县委值班室。", "en": "Hello, County Party Committee duty room."}


async def choose_person(screen, person_id: str) -> None:
    table = screen.query_one("#directory-table", DataTable)
    table.move_cursor(row=screen.query_one("#directory-panel").people.index(person_id))


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_sit_the_night_call_through_the_ui(language, make_app, records, policy, builtin_library):
    drill_file = builtin_library.find("night-mine-flood", language)
    trainee = records.add_trainee("学员" if language == "zh" else "Trainee")
    app = make_app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        app.trainee = trainee
        sitting = Sitting.start(records, trainee, drill_file, policy, seed=3, mode="practice")
        # Paused from the start: only the actions' own durations move the clock, however slow the machine.
        sitting.drill.pause()
        await app.push_screen(DrillRoomScreen(sitting))
        screen = app.screen
        await pilot.pause()
        assert drill_file.scenario.trainee_role in str(screen.query_one("#item-document").render())
        await pilot.press("f8")  # nothing waits yet: skip to the first call
        await pilot.pause()
        assert sitting.drill.inbox["night_call"].state.value == "ringing"
        await pilot.press("f2")  # answer
        await pilot.pause()
        screen.query_one("#item-words", Input).value = UNIT_GREETING[language]
        screen.query_one("#do-greet").press()
        await pilot.pause()
        for question in ("who", "callback", "time", "consequences", "actions"):
            screen.query_one(f"#ask-{question}").press()
            await pilot.pause()
        await pilot.press("f3")  # the duty log
        screen.query_one("#log-fill").press()
        await pilot.pause()
        assert screen.query_one("#log-place", Input).value  # filled from what the caller said
        screen.query_one("#log-caller", Input).value = "caller"
        screen.query_one("#log-phone", Input).value = "123"
        screen.query_one("#log-save").press()
        await pilot.pause()
        await pilot.press("f4")  # the directory
        await choose_person(screen, "deputy_director")
        screen.query_one("#dir-escalate").press()
        await pilot.pause()
        await choose_person(screen, "emergency_bureau")
        screen.query_one("#dir-verify").press()
        await pilot.pause()
        await pilot.press("f5")  # the report composer
        screen.query_one("#report-prefill").press()
        await pilot.pause()
        screen.query_one("#report-recipient", Select).value = "city_duty_office"
        screen.query_one("#report-send").press()
        await pilot.pause()
        kinds = [e.data["action"]["kind"] for e in sitting.drill.journal if e.kind == "action"]
        assert kinds[:3] == ["answer", "greet", "ask"]
        assert {"log", "escalate", "verify", "report"} <= set(kinds)
        await pilot.press("f10", "f10")  # finish: asked to confirm, then done
        await pilot.pause()
        assert type(app.screen).__name__ == "DebriefScreen"
    attempt = records.require_attempt(sitting.attempt_id)
    assert attempt.status == "finished"
    findings = {f["id"]: f for f in attempt.scorecard["findings"]}
    for met in ("answer_night_call", "name_the_unit", "ask_who", "log_night_call", "tell_shift_leader",
                "verify_with_bureau", "initial_phone_report"):
        assert findings[met]["status"] == "met", (met, findings[met]["evidence"])
    assert findings["final_report"]["status"] == "missed"  # the drill was finished early
