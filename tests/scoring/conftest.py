"""Sitting the scoring drill with a hand-written list of timed actions, then scoring it."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills import actions as act
from drills.catalog import DrillFile
from drills.loader import load_scenario
from drills.session import new_drill
from knowledge.rulebook import cached_rulebook
from scoring.score import score_attempt

FIXTURE = Path(__file__).parent / "fixtures" / "scoring-drill.yaml"


@pytest.fixture(scope="session")
def scoring_drill() -> DrillFile:
    scenario, _ = load_scenario(FIXTURE)
    return DrillFile(FIXTURE, scenario, "h", False)


@pytest.fixture
def sit(scoring_drill, policy):
    """``sit([(minutes, action), ...])`` → (scorecard, drill), the drill run to its end."""
    def run(steps: list[tuple[float, act.Action]], until: float | None = None):
        drill = new_drill(scoring_drill, policy, 1)
        for minutes, action in steps:
            drill.run_until(minutes * 60)
            drill.act(action)
        drill.run_until(until * 60 if until is not None else drill.end_at)
        card = score_attempt(scoring_drill.scenario, 1, drill.journal, policy, cached_rulebook("zh"))
        return card, drill
    return run


def finding(card, finding_id):
    return next(f for f in card.findings if f.id == finding_id)


ANSWER = (10, act.Answer(inject="call"))
