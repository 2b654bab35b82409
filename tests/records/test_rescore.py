"""Re-scoring a stored attempt after the policy or the rulebook changed."""

from __future__ import annotations

import shutil

import pytest

from drills.playbook import built_in_playbook, run_playbook
from knowledge.rulebook import RULEBOOK_DIRECTORY, load_rulebook
from scoring.rescore import rescore
from scoring.score import score_attempt


@pytest.fixture
def night_drill(builtin_library):
    return builtin_library.find("night-mine-flood", "zh")


@pytest.fixture
def finished(records, night_drill, policy):
    """The built-in night drill sat by the ideal playbook and scored with the shipped rulebook."""
    trainee = records.add_trainee("张伟")
    attempt_id, drill = records.start_attempt(trainee, night_drill, policy, seed=5, mode="exam")
    run_playbook(drill, *built_in_playbook("ideal", drill.scenario))
    scorecard = score_attempt(night_drill.scenario, 5, drill.journal, policy, load_rulebook(None, "zh"))
    records.finish_attempt(attempt_id, scorecard)
    return records.require_attempt(attempt_id)


def test_nothing_changed_gives_the_same_scorecard(records, finished, policy):
    result = rescore(records, finished, policy, load_rulebook(None, "zh"))
    assert finished.score == 100  # the ideal run; the stored drill draws the same names and numbers
    assert result.scorecard.as_dict() == finished.scorecard
    assert (result.changed, result.changed_rules, result.policy_changed, result.policy_changes) == (False, [], False, [])


def test_a_tighter_time_limit_shows_as_a_policy_change_and_late_findings(records, finished, policy):
    limits = dict(policy.limits)
    limits["escalate_urgent"] = limits["escalate_urgent"].model_copy(update={"minutes": 0.1})
    stricter = policy.model_copy(update={"limits": limits, "pass_mark": 95})
    result = rescore(records, finished, stricter, load_rulebook(None, "zh"))
    assert result.policy_changed
    changes = {change.name: (change.before, change.after) for change in result.policy_changes}
    assert changes == {"limits.escalate_urgent.minutes": (10.0, 0.1), "pass_mark": (80, 95)}
    moved = {change.finding: (change.status_before, change.status_after) for change in result.findings}
    assert moved["tell_shift_leader"] == ("met", "late")
    assert result.scorecard.score < result.score_before and result.changed


def test_an_edited_rule_is_named(records, finished, policy, tmp_path):
    shutil.copytree(RULEBOOK_DIRECTORY, tmp_path / "rulebook")
    duty = tmp_path / "rulebook" / "zh" / "duty.md"
    duty.write_text(duty.read_text(encoding="utf-8").replace("## 电话接听 {#duty.phone}\n", "## 电话接听 {#duty.phone}\n\n新增一句。\n"),
                    encoding="utf-8")
    result = rescore(records, finished, policy, load_rulebook(tmp_path / "rulebook", "zh"))
    assert result.changed_rules == ["duty.phone"]
    assert not result.policy_changed


def test_a_kept_rescore_and_its_audit_line_commit_together(records, finished, policy, monkeypatch):
    from scoring.records import RecordsError
    from scoring.trainers import Trainer

    trainer = Trainer.set_first_passphrase(records, "值班室-教员-2026")
    limits = dict(policy.limits)
    limits["escalate_urgent"] = limits["escalate_urgent"].model_copy(update={"minutes": 0.1})
    stricter = policy.model_copy(update={"limits": limits})
    result = rescore(records, finished, stricter, load_rulebook(None, "zh"))
    assert result.scorecard.score < finished.score

    def audit_fails(*args, **kwargs):
        raise RecordsError("reason_too_long", maximum=0)
    monkeypatch.setattr(trainer, "audit", audit_fails)
    with pytest.raises(RecordsError):
        trainer.save_rescore(result, stricter)
    assert records.require_attempt(finished.id).score == finished.score  # no score changed without its audit line
    monkeypatch.undo()
    trainer.save_rescore(result, stricter)
    assert records.require_attempt(finished.id).score == result.scorecard.score
