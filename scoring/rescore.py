"""Re-scoring a stored attempt with today's policy and rulebook, and saying what changed.

The journal, the seed and the drill as it was sat are stored with the attempt, and a
scorecard is a pure function of them, so only the policy and the rulebook can make a
re-score differ: the result names the rules whose wording changed since, the policy
values that changed, and every finding whose status or points moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drills.policy import Policy
from knowledge.model import Rulebook
from scoring.records import Attempt, RecordsStore, policy_hash
from scoring.score import score_attempt
from scoring.scorecard import Scorecard


@dataclass(frozen=True)
class ValueChange:
    """One policy value, by its dotted name (``limits.report_phone_major.minutes``)."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class FindingChange:
    finding: str
    status_before: str | None  # None: the finding is new
    status_after: str | None  # None: the finding is gone
    points_before: float | None
    points_after: float | None


@dataclass(frozen=True)
class Rescore:
    attempt: Attempt
    scorecard: Scorecard
    changed_rules: list[str]  # cited rules whose wording differs (or that are gone) since scoring
    policy_changed: bool
    policy_changes: list[ValueChange]
    findings: list[FindingChange]

    @property
    def score_before(self) -> int | None:
        return self.attempt.score

    @property
    def changed(self) -> bool:
        return bool(self.findings) or self.attempt.score != self.scorecard.score or self.attempt.passed != self.scorecard.passed


def rescore(records: RecordsStore, attempt: Attempt, policy: Policy, rulebook: Rulebook | None) -> Rescore:
    """Score the attempt's stored journal again; nothing is written (``replace_scorecard`` keeps it)."""
    scenario = records.scenario_as_sat(attempt)
    entries = records.journal.entries(attempt.run_id)
    scorecard = score_attempt(scenario, attempt.seed, entries, policy, rulebook)
    current = rulebook.hashes() if rulebook else {}
    changed_rules = sorted(rule for rule, digest in attempt.rule_hashes.items() if current.get(rule) != digest)
    before_policy = records.policy_as_scored(attempt)
    policy_changes = _value_changes(before_policy, policy.model_dump(mode="json"))
    return Rescore(attempt, scorecard, changed_rules, attempt.policy_hash != policy_hash(policy), policy_changes,
                   _finding_changes(attempt.scorecard or {}, scorecard))


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _value_changes(before: dict[str, Any], after: dict[str, Any]) -> list[ValueChange]:
    old, new = _flatten(before), _flatten(after)
    return [ValueChange(name, old.get(name), new.get(name)) for name in sorted(old.keys() | new.keys())
            if old.get(name) != new.get(name)]


def _finding_changes(stored: dict[str, Any], scorecard: Scorecard) -> list[FindingChange]:
    before = {finding["id"]: finding for finding in stored.get("findings", [])}
    after = {finding.id: finding for finding in scorecard.findings}
    changes = []
    for finding_id in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(finding_id), after.get(finding_id)
        old_state = (old["status"], old["points"]) if old else (None, None)
        new_state = (new.status.value, new.points) if new else (None, None)
        if old_state != new_state:
            changes.append(FindingChange(finding_id, old_state[0], new_state[0], old_state[1], new_state[1]))
    return changes
