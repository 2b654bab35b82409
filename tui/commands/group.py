"""``dutydrill group``: study-day group drills on one shared clock, headless.

The trainer opens a session (after the passphrase) and reads the join code out; trainees
join with it from their own terminals on the machine that holds the database, then the
trainer starts everyone's clock, pauses, resumes, shifts it, fires injects and closes the
session. ``group play`` sits the drill headless with a playbook on the shared clock (for
rehearsals, tests and the benchmark). Every failure is one worded line, never a traceback.
"""

from __future__ import annotations

import heapq
import itertools
import json
import time
from typing import Any, Callable

import click

from drills.engine import ActionRefused
from drills.playbook import BUILT_IN
from drills.session import ReplayMismatch
from drills.timing import clock_text
from scoring.groups import (
    GroupSitting,
    close_session,
    drill_seconds_at,
    fire_inject,
    join_session,
    open_group_records,
    open_session,
    pause_session,
    resume_session,
    session_by_code,
    session_drill_file,
    shift_session,
    start_session,
)
from scoring.group_reports import group_debrief, group_status
from scoring.records import RecordsStore
from scoring.trainers import Trainer
from tui.commands.drill import find_drill, playbook_for
from tui.commands.records import records_errors, rule_title, wall_clock
from tui.text_table import aligned
from tui.commands.trainer import sign_in
from tui.content import current_library, current_policy
from tui.group_text import EXPECTATION_COLUMNS, MEMBER_COLUMNS, GroupWords, column_titles
from tui.i18n import text
from tui.settings import Settings


@click.group(name="group")
def group_group() -> None:
    """Study-day group drills: one drill, one clock, a room of trainees.

    The trainer opens a session and gives out the join code; trainees join it; the trainer
    starts, pauses, resumes, shifts the clock, fires injects, closes, and debriefs.
    """


def _records(settings: Settings) -> RecordsStore:
    return RecordsStore(open_group_records(settings.database), wall_clock)


def _trainer(settings: Settings) -> Trainer:
    open_group_records(settings.database).conn.close()  # the group tables, before signing in
    return sign_in(settings)


def _code_session(trainer: Trainer, code: str):
    return session_by_code(trainer.db, code)


def _said(settings: Settings, key: str, session, wall: float | None = None) -> None:
    drill_file = session_drill_file(_records(settings).db, session)
    at = clock_text(drill_file.scenario, drill_seconds_at(session, wall if wall is not None else time.time()), True)
    click.echo(text(settings.language, key, code=session.code, clock=at, state=text(settings.language, f"group.state.{session.state}")))


# The trainer's commands

@group_group.command(name="open")
@click.argument("drill")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Which edition of the drill (default: the interface language).")
@click.option("--seed", type=int, default=1, show_default=True, help="Everyone's seed: the same names, numbers and places.")
@click.option("--mode", type=click.Choice(["practice", "exam"]), default="practice", show_default=True,
              help="exam: the attempts count toward clearance (attested by this session).")
@click.option("--speed", type=click.FloatRange(0.1, 120), default=None, help="Drill seconds per wall second (default: the drill's).")
@click.pass_obj
@records_errors
def open_command(settings: Settings, drill: str, lang: str | None, seed: int, mode: str, speed: float | None) -> None:
    """Open a group session on DRILL (trainer) and print its join code."""
    drill_file = find_drill(current_library(), drill, lang or settings.language)
    trainer = _trainer(settings)
    session = open_session(trainer, drill_file, seed, mode, speed)
    click.echo(text(settings.language, "group.opened", code=session.code, drill=drill_file.scenario.title,
                    seed=seed, mode=text(settings.language, f"records.mode.{mode}"), speed=f"{session.speed:g}"))


def _control(name: str, help_text: str, act: Callable[[Trainer, Any, float], Any], key: str) -> click.Command:
    @click.argument("code")
    @click.pass_obj
    @records_errors
    def command(settings: Settings, code: str) -> None:
        trainer = _trainer(settings)
        wall = time.time()
        _said(settings, key, act(trainer, _code_session(trainer, code), wall), wall)
    command.__doc__ = help_text
    return group_group.command(name=name)(command)


_control("start", "Start everyone's clock at the drill's beginning (trainer).",
         lambda trainer, session, wall: start_session(trainer, session.id, wall), "group.started")
_control("pause", "Pause everyone (trainer).", lambda trainer, session, wall: pause_session(trainer, session.id, wall), "group.paused")
_control("resume", "Resume everyone (trainer).", lambda trainer, session, wall: resume_session(trainer, session.id, wall), "group.resumed")
_control("close", "Close the session: no more joining or acting; the sittings are scored (trainer).",
         lambda trainer, session, wall: close_session(trainer, session.id, wall), "group.closed")


@group_group.command(name="shift")
@click.argument("minutes", type=click.Choice(["-5", "-1", "1", "5", "+1", "+5"]))
@click.argument("code")
@click.pass_obj
@records_errors
def shift_command(settings: Settings, minutes: str, code: str) -> None:
    """Shift everyone's clock by MINUTES (±1 or ±5): forward runs on, back postpones what is to come."""
    trainer = _trainer(settings)
    wall = time.time()
    _said(settings, "group.shifted", shift_session(trainer, _code_session(trainer, code).id, int(minutes), wall), wall)


@group_group.command(name="fire")
@click.argument("inject")
@click.argument("code")
@click.pass_obj
@records_errors
def fire_command(settings: Settings, inject: str, code: str) -> None:
    """Deliver INJECT to everyone now (trainer)."""
    trainer = _trainer(settings)
    wall = time.time()
    _said(settings, "group.fired", fire_inject(trainer, _code_session(trainer, code).id, inject, wall), wall)


# The trainee's commands

def _join(settings: Settings, code: str, trainee: str) -> GroupSitting:
    try:
        return join_session(_records(settings), code, trainee, current_policy(), time.time())
    except ReplayMismatch as error:
        raise click.ClickException(text(settings.language, "group.cannot_rejoin", reason=error)) from None


@group_group.command(name="join")
@click.argument("code")
@click.option("--trainee", required=True, help="Your name as the records hold it.")
@click.pass_obj
@records_errors
def join_command(settings: Settings, code: str, trainee: str) -> None:
    """Join the session with join CODE (or rejoin it after dropping out)."""
    group = _join(settings, code, trainee)
    click.echo(text(settings.language, "group.joined", name=trainee, code=group.session.code, attempt=group.sitting.attempt_id,
                    clock=clock_text(group.drill.scenario, group.drill.now, True),
                    state=text(settings.language, f"group.state.{group.session.state}")))


def play_along(group: GroupSitting, planned, react, poll: float, now: Callable[[], float] = time.time,
               sleep: Callable[[float], None] = time.sleep) -> tuple[list[dict[str, Any]], list[str]]:
    """Take each planned action once the shared clock reaches it, until the drill ends or closes.
    Returns the actions the drill acknowledged (with their journal sequence) and the refusals."""
    counter = itertools.count()
    queue = [(step.at, step.order, next(counter), step) for step in planned if step.at >= group.drill.now]
    heapq.heapify(queue)
    acknowledged, refusals = [], []
    while True:
        group.sync(now())
        if group.closed:
            return acknowledged, refusals
        while queue and queue[0][0] <= group.drill.now and group.session.state == "running" and not group.drill.ended:
            step = heapq.heappop(queue)[3]
            try:
                outcome = group.act(step.make(group.drill))
            except ActionRefused as refusal:
                refusals.append(f"{clock_text(group.drill.scenario, group.drill.now, True)} {refusal}")
                continue
            action = outcome.entry.data["action"]
            acknowledged.append({"seq": outcome.entry.seq, "at": outcome.entry.at, "action": action["kind"], "inject": action["inject"]})
            for extra in react(group.drill) if react is not None else []:
                heapq.heappush(queue, (extra.at, extra.order, next(counter), extra))
        # Wake for the next step on time (a late answer is scored late), else look again after ``poll``.
        due = (queue[0][0] - group.drill.now) / group.session.speed if queue and group.session.state == "running" else poll
        sleep(min(poll, max(0.005, due)))


@group_group.command(name="play")
@click.argument("code")
@click.option("--trainee", required=True, help="Your name as the records hold it.")
@click.option("--play", "playbook", default="ideal", show_default=True, help=f"Playbook: {' or '.join(BUILT_IN)}, or a playbook YAML file.")
@click.option("--poll", type=click.FloatRange(0.01, 10), default=0.25, show_default=True, help="Wall seconds between looks at the shared clock.")
@click.option("--json", "as_json", is_flag=True, help="Print the acknowledged actions and the score as JSON.")
@click.pass_obj
@records_errors
def play_command(settings: Settings, code: str, trainee: str, playbook: str, poll: float, as_json: bool) -> None:
    """Join CODE and sit the drill headless with a playbook on the shared clock, until it ends or closes."""
    language = settings.language
    group = _join(settings, code, trainee)
    planned, react = playbook_for(playbook, group.drill)
    try:
        acknowledged, refusals = play_along(group, planned, react, poll)
    except KeyboardInterrupt:
        raise click.ClickException(text(language, "group.left", code=group.session.code, name=trainee)) from None
    attempt = group.sitting.records.require_attempt(group.sitting.attempt_id)
    if as_json:
        click.echo(json.dumps({"trainee": trainee, "attempt": attempt.id, "run": attempt.run_id, "status": attempt.status,
                               "score": attempt.score, "acknowledged": acknowledged, "refused": refusals},
                              ensure_ascii=False, indent=1))
        return
    for line in refusals:
        click.echo(f"  {line}", err=True)
    click.echo(text(language, "group.played", name=trainee, actions=len(acknowledged), attempt=attempt.id,
                    status=text(language, f"records.attempt_status.{attempt.status}"), score=attempt.score))


# What the trainer reads

@group_group.command(name="status")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_obj
@records_errors
def status_command(settings: Settings, code: str, as_json: bool) -> None:
    """Every member now: drill clock, last action, pending deadlines and score so far."""
    language = settings.language
    records = _records(settings)
    session = session_by_code(records.db, code)
    status = group_status(records.db, session.id, time.time())
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=1))
        return
    scenario = session_drill_file(records.db, session).scenario
    click.echo(text(language, "group.status.heading", code=session.code, drill=scenario.title,
                    state=text(language, f"group.state.{session.state}"),
                    clock=clock_text(scenario, status["session"]["drill_seconds"], True), members=len(status["members"])))
    words = GroupWords(language, scenario, session.seed)
    rows = [column_titles(language, MEMBER_COLUMNS)] + [words.member_row(member) for member in status["members"]]
    click.echo(aligned(rows))


@group_group.command(name="debrief")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print the group debrief as JSON.")
@click.pass_obj
@records_errors
def debrief_command(settings: Settings, code: str, as_json: bool) -> None:
    """The group debrief: each expectation's met/late/missed/wrong counts, the commonest mistakes, every score."""
    language = settings.language
    records = _records(settings)
    session = session_by_code(records.db, code)
    debrief = group_debrief(records.db, session.id, lambda rule: rule_title(session.language, rule))
    if as_json:
        click.echo(json.dumps(debrief, ensure_ascii=False, indent=1))
        return
    scenario = session_drill_file(records.db, session).scenario
    click.echo(text(language, "group.debrief.heading", code=session.code, drill=scenario.title, members=len(debrief["trainees"])))
    words = GroupWords(language, scenario, session.seed)
    rows = [column_titles(language, EXPECTATION_COLUMNS)] + words.expectation_rows(debrief)
    click.echo(aligned(rows))
    click.echo()
    click.echo(text(language, "group.debrief.side_by_side"))
    columns, steps = words.side_by_side(debrief)
    click.echo(aligned([columns] + steps))
    for line in words.debrief_tail(debrief):
        click.echo(line)
