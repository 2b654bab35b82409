"""Fixtures for the records tests: a temporary records database, a settable wall clock,
and hand-made attempts (a real run row, a scorecard written by hand)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from drills.catalog import DrillFile
from drills.loader import load_scenario
from drills.scenario import Competency, Severity
from scoring.records import RecordsStore, Trainee, open_records
from scoring.scorecard import Finding, Scorecard, Status, Subtotal
from scoring.attestation import attest_attempt
from tests.drills.drill_factory import drill_data, write_drill


class WallClock:
    """The clock the records are given; tests move it by hand."""

    def __init__(self) -> None:
        self.now = "2026-03-01T08:00:00"

    def __call__(self) -> str:
        return self.now


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def database(tmp_path) -> Path:
    return tmp_path / "records.db"


@pytest.fixture
def records(database, clock) -> RecordsStore:
    return RecordsStore(open_records(database), clock)


def make_drill_file(directory: Path, drill_id: str = "test-drill") -> DrillFile:
    path = write_drill(directory, drill_data(id=drill_id), name=f"{drill_id}.yaml")
    scenario, _ = load_scenario(path)
    return DrillFile(path, scenario, f"hash-of-{drill_id}", False)


@pytest.fixture
def drill_file(tmp_path) -> DrillFile:
    return make_drill_file(tmp_path)


def make_scorecard(score: int, *, passed: bool | None = None, critical: int = 0,
                   competencies: dict[str, int] | None = None, drill: str = "test-drill") -> Scorecard:
    """A scorecard by hand: ``competencies`` maps a competency to its percent (of 10 points)."""
    competencies = competencies or {"intake": score}
    findings = [Finding(id=f"{name}-check", inject="call", action="answer", status=Status.met if percent == 100 else Status.late,
                        points=percent / 10, possible=10, severity=Severity.minor, competency=Competency(name),
                        rule="duty.phone", rule_title="") for name, percent in competencies.items()]
    findings += [Finding(id=f"critical-{number}", inject="call", action="escalate", status=Status.missed, points=0,
                         possible=10, severity=Severity.critical, competency=Competency.escalation,
                         rule="duty.escalation", rule_title="") for number in range(critical)]
    subtotals = {name: Subtotal(percent / 10, 10) for name, percent in competencies.items()}
    return Scorecard(drill=drill, language="zh", seed=1, engine="1", score=score,
                     passed=(score >= 80 and not critical) if passed is None else passed, pass_mark=80,
                     findings=tuple(findings), competencies=subtotals,
                     rule_hashes={"duty.phone": "h-phone", "duty.escalation": "h-escalation"})


def sit(records: RecordsStore, clock: WallClock, trainee: Trainee, drill_file: DrillFile, policy, *,
        day: str | datetime.date, score: int, mode: str = "exam", status: str = "finished",
        attested_by: str | None = "pin", **scorecard) -> int:
    """A finished attempt on ``day`` with a hand-made scorecard, sat under the trainee's PIN
    unless ``attested_by`` says otherwise (None: unattested); returns its id."""
    clock.now = f"{day}T08:00:00"
    attempt_id, _ = records.start_attempt(trainee, drill_file, policy, seed=1, mode=mode)
    if attested_by:
        attest_attempt(records.db, attempt_id, attested_by)
    clock.now = f"{day}T09:00:00"
    records.finish_attempt(attempt_id, make_scorecard(score, drill=drill_file.scenario.id, **scorecard), status)
    return attempt_id
