"""Group drills: the shared clock, trainees on it in their own sittings, the trainer's
controls reaching everyone, late joins, rejoins after a killed process, the group debrief,
and group attestation as readiness sees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from drills.actions import Answer
from drills.engine import ActionRefused
from scoring import credentials
from scoring.groups import (
    CODE_ALPHABET,
    GroupSession,
    close_session,
    drill_seconds_at,
    fire_inject,
    join_session,
    new_code,
    open_group_records,
    open_session,
    pause_session,
    resume_session,
    session_by_code,
    shift_session,
    start_session,
)
from scoring.group_reports import group_debrief, group_status
from scoring.records import RecordsError, RecordsStore
from scoring.attestation import attempt_standing, exam_counts
from scoring.trainers import Trainer
from tests.conftest import REPO

START = 1_000_000.0  # the wall time the trainer starts the drill (seconds since the epoch)


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    monkeypatch.setattr(credentials, "SCRYPT_PARAMETERS", {"n": 2**10, "r": 8, "p": 1, "dklen": 32})


@pytest.fixture
def records(database, clock) -> RecordsStore:
    return RecordsStore(open_group_records(database), clock)


@pytest.fixture
def trainer(records) -> Trainer:
    trainer = Trainer.set_first_passphrase(records, "值班室-教员-2026")
    for name in ("张伟", "李娜", "王芳"):
        trainer.add_trainee(name)
    return trainer


def opened(trainer, drill_file, mode="practice"):
    """A session on the test drill (speed 2: one wall second is two drill seconds), started at START."""
    session = open_session(trainer, drill_file, seed=7, mode=mode)
    return start_session(trainer, session.id, START)


def process(database, clock) -> RecordsStore:
    """Another trainee's process: its own connection to the same database."""
    return RecordsStore(open_group_records(database), clock)


def session_row(**values) -> GroupSession:
    base = dict(id=1, code="ABCDEF", drill="d", language="zh", scenario_hash="h", seed=1, mode="practice", speed=2.0,
                state="running", started_wall=100.0, paused_total=0.0, paused_since=None, shift_seconds=0.0,
                closed_wall=None, opened="")
    return GroupSession(**{**base, **values})


# The shared clock

def test_the_shared_clock_runs_at_the_speed_stops_when_paused_and_counts_shifts():
    assert drill_seconds_at(session_row(state="waiting", started_wall=None), 500.0) == 0
    assert drill_seconds_at(session_row(), 160.0) == 120  # 60 wall seconds at speed 2
    assert drill_seconds_at(session_row(speed=10.0), 160.0) == 600
    paused = session_row(state="paused", paused_since=130.0)
    assert drill_seconds_at(paused, 130.0) == drill_seconds_at(paused, 10_000.0) == 60
    # Resumed after 100 paused seconds: the clock goes on from where it stopped.
    resumed = session_row(paused_total=100.0)
    assert drill_seconds_at(resumed, 230.0) == 60 and drill_seconds_at(resumed, 240.0) == 80
    assert drill_seconds_at(session_row(shift_seconds=300.0), 110.0) == 320
    closed = session_row(state="closed", closed_wall=150.0)
    assert drill_seconds_at(closed, 9_999.0) == 100


def test_join_codes_are_six_unambiguous_characters_unique_among_open_sessions(trainer, drill_file):
    assert not set("01OIL") & set(CODE_ALPHABET)
    picks = iter("AAAAAA" "AAAAAA" "BBBBBB")
    assert new_code({"AAAAAA"}, lambda alphabet: next(picks)) == "BBBBBB"
    codes = {open_session(trainer, drill_file, seed=1, mode="practice").code for _ in range(20)}
    assert len(codes) == 20 and all(len(code) == 6 and set(code) <= set(CODE_ALPHABET) for code in codes)


def test_trainer_controls_move_the_stored_clock(trainer, drill_file):
    session = opened(trainer, drill_file)
    session = pause_session(trainer, session.id, START + 30)
    assert session.state == "paused" and drill_seconds_at(session, START + 500) == 60
    session = resume_session(trainer, session.id, START + 100)
    assert drill_seconds_at(session, START + 110) == 80
    session = shift_session(trainer, session.id, 5, START + 110)
    assert drill_seconds_at(session, START + 110) == 380
    session = shift_session(trainer, session.id, -1, START + 110)  # back: postpones what is to come, clock stays
    assert drill_seconds_at(session, START + 110) == 380
    with pytest.raises(RecordsError) as refused:
        shift_session(trainer, session.id, 3, START + 110)
    assert refused.value.code == "group_shift_minutes"
    with pytest.raises(RecordsError) as refused:
        resume_session(trainer, session.id, START + 120)
    assert refused.value.code == "group_running"


# Trainees on one clock

def test_two_trainees_see_the_same_drill_time_and_the_same_seed(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    first = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    second = join_session(process(database, clock), session.code.lower(), "李娜", _policy(), START + 1)
    for sitting in (first, second):
        sitting.sync(START + 160)
    assert first.drill.now == second.drill.now == 320
    assert first.drill.seed == second.drill.seed == 7
    assert first.drill.journal[0].data["variables"] == second.drill.journal[0].data["variables"]
    assert "call" in first.drill.inbox and "call" in second.drill.inbox


def _policy():
    from drills.locations import DEFAULT_POLICY
    from drills.policy import load_policy

    return load_policy(DEFAULT_POLICY)


def test_a_trainer_pause_stops_everyone_and_refuses_actions(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    sittings = [join_session(process(database, clock), session.code, name, _policy(), START) for name in ("张伟", "李娜")]
    pause_session(trainer, session.id, START + 155)
    for sitting in sittings:
        sitting.sync(START + 900)
        assert sitting.drill.now == 310 and sitting.drill.paused
        with pytest.raises(ActionRefused):
            sitting.act(Answer(inject="call"))
    resume_session(trainer, session.id, START + 1000)
    for sitting in sittings:
        sitting.sync(START + 1010)
        assert sitting.drill.now == 330 and not sitting.drill.paused
        sitting.act(Answer(inject="call"))
    assert [e.kind for e in sittings[0].drill.journal].count("paused") == 1


def test_an_inject_fired_now_reaches_everyone(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    sittings = [join_session(process(database, clock), session.code, name, _policy(), START) for name in ("张伟", "李娜")]
    fire_inject(trainer, session.id, "fax", START + 10)
    for sitting in sittings:
        sitting.sync(START + 20)
        assert "fax" in sitting.drill.inbox and sitting.drill.inbox["fax"].arrived == 20
    with pytest.raises(RecordsError) as refused:
        fire_inject(trainer, session.id, "no-such-inject", START + 30)
    assert refused.value.code == "group_unknown_inject"


def test_a_late_joiner_is_brought_to_the_current_time_with_what_the_others_had(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    early = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    shift_session(trainer, session.id, 5, START + 50)  # drill 100 s → 400 s
    fire_inject(trainer, session.id, "fax", START + 60)  # at drill 420 s
    early.sync(START + 900)
    late = join_session(process(database, clock), session.code, "李娜", _policy(), START + 900)
    assert late.drill.now == early.drill.now == 2100
    for sitting in (early, late):
        kinds = [(e.kind, e.at) for e in sitting.drill.journal if e.kind in ("clock_shifted", "inject_triggered", "call_missed")]
        assert ("clock_shifted", 100) in kinds and ("inject_triggered", 420) in kinds
        assert any(kind == "call_missed" for kind, _ in kinds)  # the call rang out before the late joiner came


def test_a_trainee_who_drops_out_rejoins_and_resumes_from_the_journal(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    first = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    shift_session(trainer, session.id, 1, START + 100)
    first.sync(START + 151)
    first.act(Answer(inject="call"))
    attempt_id = first.sitting.attempt_id
    first.sitting.records.db.conn.close()  # the process is killed
    again = join_session(process(database, clock), session.code, "张伟", _policy(), START + 400)
    assert again.sitting.attempt_id == attempt_id
    kinds = [e.kind for e in again.drill.journal]
    assert kinds.count("clock_shifted") == 1 and kinds.count("action") == 1
    assert again.drill.now == 860
    assert again.drill.inbox["call"].state.value == "active"


def _stored(records, group):
    """The journal as another process reads it from the database."""
    run_id = records.require_attempt(group.sitting.attempt_id).run_id
    return [e.as_dict() for e in records.journal.entries(run_id)]


def test_an_action_is_on_disk_when_acknowledged_with_what_the_engine_logged_before_it(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    group = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    group.sync(START + 151)  # the call rings at drill second 300
    assert group.drill.journal[-1].kind == "inject_delivered"
    assert [e["kind"] for e in _stored(trainer.records, group)] == ["drill_started"]  # held, not yet its own commit
    commits = []
    commit = group.commit
    group.commit = lambda *args: commits.append(commit(*args)) or commits[-1]
    group.act(Answer(inject="call"))
    assert commits == [len(group.drill.journal) - 1]  # the ringing and the answer: one transaction
    assert _stored(trainer.records, group) == [e.as_dict() for e in group.drill.journal]


def test_what_an_idle_trainee_logged_is_committed_at_the_next_look(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    idle = join_session(process(database, clock), session.code, "李娜", _policy(), START)
    idle.sync(START + 151)
    held = [e.as_dict() for e in idle.drill.journal]
    idle.sync(START + 152)
    assert _stored(trainer.records, idle)[: len(held)] == held
    assert group_status(trainer.db, session.id, START + 152)["members"][0]["drill_seconds"] == 300


def test_entries_lost_with_a_killed_process_come_back_the_same_on_rejoining(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    killed = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    twin = join_session(process(database, clock), session.code, "李娜", _policy(), START)
    for group in (killed, twin):
        group.sync(START + 151)
        group.act(Answer(inject="call"))
        group.sync(START + 650)  # the fax comes at drill minute 20: held when the process dies
    assert len(_stored(trainer.records, killed)) < len(killed.drill.journal)
    killed.sitting.records.db.conn.close()
    again = join_session(process(database, clock), session.code, "张伟", _policy(), START + 650)
    again.sync(START + 651)
    twin.sync(START + 651)

    def rows(journal):
        return [(e.seq, e.at, e.kind, e.data) for e in journal]
    assert rows(again.drill.journal) == rows(twin.drill.journal)
    assert _stored(trainer.records, again) == [e.as_dict() for e in again.drill.journal]


GROUP_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from drills.actions import Answer, Ask
    from drills.locations import DEFAULT_POLICY
    from drills.policy import load_policy
    from scoring.groups import join_session, open_group_records
    from scoring.records import RecordsStore

    database, code, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
    group = join_session(RecordsStore(open_group_records(Path(database)), lambda: "wall"), code, "张伟",
                         load_policy(DEFAULT_POLICY), wall)
    group.act(Answer(inject="call"))
    print("run", group.sitting.records.require_attempt(group.sitting.attempt_id).run_id, flush=True)
    while True:  # keep acting until killed; each line printed is an acknowledged action
        group.sync(wall)  # the clock stands still: what the engine logs stays held until the next action
        print("ack", group.act(Ask(inject="call", question="consequences")).entry.seq, flush=True)
""")


def test_killing_a_group_trainee_process_loses_no_acknowledged_action(trainer, drill_file, database):
    session = opened(trainer, drill_file)
    child = subprocess.Popen([sys.executable, "-c", GROUP_CHILD, str(database), session.code, str(START + 151)],
                             stdout=subprocess.PIPE, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    run_id = int(child.stdout.readline().split()[1])
    acknowledged = []
    for line in child.stdout:
        acknowledged.append(int(line.split()[1]))
        if len(acknowledged) >= 20:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    stored = {e.seq for e in trainer.records.journal.entries(run_id) if e.kind == "action"}
    assert set(acknowledged) <= stored


def test_status_and_debrief_count_what_each_trainee_did(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file, mode="exam")
    keen = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    idle = join_session(process(database, clock), session.code, "李娜", _policy(), START)
    keen.sync(START + 151)
    keen.act(Answer(inject="call"))
    status = group_status(trainer.db, session.id, START + 160)
    members = {member["trainee"]: member for member in status["members"]}
    assert status["session"]["drill_seconds"] == 320
    assert members["张伟"]["last_action"]["action"] == "answer" and members["李娜"]["last_action"] is None
    assert "tell" in [pending["expectation"] for pending in members["张伟"]["pending"]]
    end = START + 120 * 60 / 2 + 1
    for sitting in (keen, idle):
        sitting.sync(end)
        assert sitting.closed
    debrief = group_debrief(trainer.db, session.id, rule_title=lambda rule: f"title of {rule}")
    rows = {row["expectation"]: row for row in debrief["expectations"]}
    assert (rows["pick_up"]["met"], rows["pick_up"]["missed"]) == (1, 1)
    assert rows["tell"]["missed"] == 2
    commonest = debrief["mistakes"][0]
    assert commonest["count"] == 2 and commonest["status"] == "missed"
    assert commonest["rule_title"] == f"title of {commonest['rule']}"
    assert {"finding": "pick_up", "status": "missed", "rule": "duty.phone", "rule_title": "title of duty.phone",
            "count": 1} in debrief["mistakes"]
    steps = {trainee["trainee"]: trainee["steps"] for trainee in debrief["trainees"]}  # side by side, per expectation
    assert steps["张伟"]["pick_up"]["status"] == "met" and steps["张伟"]["pick_up"]["done"] is not None
    assert steps["李娜"]["pick_up"] == {"status": "missed", "done": None}
    assert set(steps["张伟"]) == set(steps["李娜"]) == {e.id for e in drill_file.scenario.expectations}
    assert {t["trainee"]: t["status"] for t in debrief["trainees"]} == {"张伟": "finished", "李娜": "finished"}
    # Sat inside the trainer's group session: the exams count for clearance.
    standing = attempt_standing(trainer.db, keen.sitting.attempt_id)
    assert standing.attested_by == f"group:{session.id}" and exam_counts(standing)


def test_a_closed_session_takes_no_one_new_and_closes_the_sittings(trainer, drill_file, database, clock):
    session = opened(trainer, drill_file)
    member = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    close_session(trainer, session.id, START + 100)
    with pytest.raises(RecordsError) as refused:
        join_session(process(database, clock), session.code, "李娜", _policy(), START + 200)
    assert refused.value.code == "group_closed"
    member.sync(START + 200)
    assert member.closed and member.drill.now == 200
    assert trainer.records.require_attempt(member.sitting.attempt_id).status == "interrupted"
    with pytest.raises(RecordsError) as refused:
        join_session(process(database, clock), session.code, "张伟", _policy(), START + 300)
    assert refused.value.code == "group_already_sat"
    with pytest.raises(RecordsError) as refused:
        session_by_code(trainer.db, "ZZZZZZ")
    assert refused.value.code == "group_unknown"
    with pytest.raises(RecordsError) as refused:
        join_session(process(database, clock), session.code, "无此人", _policy(), START)
    assert refused.value.code == "unknown_trainee"


# The command line

def invoke(database, *args):
    from click.testing import CliRunner

    from tui.cli import main

    return CliRunner().invoke(main, ["--lang", "en", "--db", str(database), "group", *args], catch_exceptions=False,
                              env={"DUTYDRILL_TRAINER_PASSPHRASE": "值班室-教员-2026"})


def test_the_group_commands_open_start_report_and_refuse_cleanly(trainer, database):
    opened_now = invoke(database, "open", "three-calls", "--lang", "zh", "--seed", "3", "--mode", "exam", "--speed", "60")
    assert opened_now.exit_code == 0, opened_now.output
    code = session_by_code(trainer.db, opened_now.output.split("join code ")[1][:6]).code
    assert invoke(database, "join", code, "--trainee", "张伟").exit_code == 0
    assert invoke(database, "start", code).exit_code == 0
    assert "paused" in invoke(database, "pause", code).output
    import json

    status = json.loads(invoke(database, "status", code, "--json").output)
    assert status["session"]["state"] == "paused" and [m["trainee"] for m in status["members"]] == ["张伟"]
    for args, message in [(("status", "NOPE23"), "No group session has the join code NOPE23"),
                          (("join", code, "--trainee", "无此人"), "No trainee named 无此人"),
                          (("fire", "no_such", code), "This drill has no inject no_such"),
                          (("pause", code), "is paused")]:
        result = invoke(database, *args)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert invoke(database, "close", code).exit_code == 0
    closed = invoke(database, "join", code, "--trainee", "李娜")
    assert closed.exit_code == 1 and "is closed" in closed.output
    debrief = json.loads(invoke(database, "debrief", code, "--json").output)
    assert [t["trainee"] for t in debrief["trainees"]] == ["张伟"]
    worded = invoke(database, "debrief", code).output
    side_by_side = worded.split("Trainees side by side")[1].splitlines()
    assert side_by_side[1].split() == ["Expectation", "张伟"] and len(side_by_side) > 3


def test_a_damaged_database_gives_one_line(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    result = invoke(broken, "status", "ABCDEF")
    assert result.exit_code == 1 and "not a SQLite database" in result.output


def test_playing_along_takes_each_step_on_the_shared_clock(trainer, drill_file, database, clock):
    from drills.playbook import built_in_playbook
    from tui.commands.group import play_along

    session = opened(trainer, drill_file)
    group = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    wall = [START]
    acknowledged, refused = play_along(group, *built_in_playbook("ideal", group.drill.scenario), poll=1.0,
                                       now=lambda: wall[0], sleep=lambda seconds: wall.__setitem__(0, wall[0] + seconds))
    assert group.closed and not refused and acknowledged[0]["action"] == "answer"
    attempt = trainer.records.require_attempt(group.sitting.attempt_id)
    stored = [(e.seq, e.data["action"]["kind"]) for e in trainer.records.journal.entries(attempt.run_id) if e.kind == "action"]
    assert stored == [(a["seq"], a["action"]) for a in acknowledged]
    assert attempt.status == "finished" and attempt.score >= 90


def test_a_console_looking_again_replays_only_the_trainees_who_did_something(trainer, drill_file, database, clock, monkeypatch):
    import scoring.group_reports as group_reports

    session = opened(trainer, drill_file)
    keen = join_session(process(database, clock), session.code, "张伟", _policy(), START)
    join_session(process(database, clock), session.code, "李娜", _policy(), START)
    keen.sync(START + 151)
    seen: dict = {}
    first = group_status(trainer.db, session.id, START + 152, seen)
    replayed = []
    real_replay = group_reports.replay
    monkeypatch.setattr(group_reports, "replay", lambda drill_file, policy, seed, entries: replayed.append(len(entries))
                        or real_replay(drill_file, policy, seed, entries))
    assert group_status(trainer.db, session.id, START + 153, seen)["members"] == first["members"]
    assert replayed == []  # nobody's journal grew: nothing replayed or scored again
    keen.act(Answer(inject="call"))
    again = {member["trainee"]: member for member in group_status(trainer.db, session.id, START + 154, seen)["members"]}
    assert len(replayed) == 1 and again["张伟"]["last_action"]["action"] == "answer"
    assert again == {member["trainee"]: member for member in group_status(trainer.db, session.id, START + 154)["members"]}
