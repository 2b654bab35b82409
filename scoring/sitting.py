"""A trainee sitting a drill: the recorded run, its attempt, and the scorecard at the end.

The app and the headless ``--trainee`` run both go through here, so an attempt is
started, resumed and closed the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from drills.actions import Action
from drills.catalog import DrillFile
from drills.engine import ActionOutcome, Drill
from drills.policy import Policy
from drills.session import resume_recorded
from knowledge.rulebook import cached_rulebook
from scoring.records import Attempt, RecordsStore, Trainee
from scoring.score import score_attempt
from scoring.scorecard import Scorecard


@dataclass
class Sitting:
    records: RecordsStore
    attempt_id: int
    drill_file: DrillFile
    drill: Drill
    policy: Policy
    mode: str

    @classmethod
    def start(cls, records: RecordsStore, trainee: Trainee, drill_file: DrillFile, policy: Policy,
              seed: int, mode: str) -> Sitting:
        attempt_id, drill = records.start_attempt(trainee, drill_file, policy, seed, mode)
        return cls(records, attempt_id, drill_file, drill, policy, mode)

    @classmethod
    def resume(cls, records: RecordsStore, attempt: Attempt, drill_file: DrillFile, policy: Policy) -> Sitting:
        """Pick an interrupted attempt up from its journal (raises ReplayMismatch if it cannot)."""
        drill = resume_recorded(records.journal, attempt.run_id, drill_file, policy)
        return cls(records, attempt.id, drill_file, drill, policy, attempt.mode)

    def act(self, action: Action) -> ActionOutcome:
        return self.drill.act(action)

    def scorecard(self) -> Scorecard:
        scenario = self.drill_file.scenario
        return score_attempt(scenario, self.drill.seed, self.drill.journal, self.policy, cached_rulebook(scenario.language))

    def finish(self) -> Scorecard:
        """End the drill: the rest of it runs out with no more actions, then it is scored."""
        self.drill.run_until(self.drill.end_at)
        card = self.scorecard()
        self.records.finish_attempt(self.attempt_id, card, "finished")
        return card
