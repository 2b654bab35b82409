"""The records store: trainees, cohorts, attempts with their scorecards and findings."""

from __future__ import annotations

import json

import pytest

from scoring.records import RecordsError, RecordsStore, backup_database, open_records, policy_hash, write_transaction
from scoring.trainers import Trainer
from tests.records.conftest import make_scorecard, sit


def test_a_trainee_has_a_unique_name_a_unit_and_a_cohort(records):
    added = records.add_trainee("张伟", unit="县委办", cohort="2026春")
    assert (added.name, added.unit, added.cohort, added.archived) == ("张伟", "县委办", "2026春", False)
    with pytest.raises(RecordsError) as raised:
        records.add_trainee(" 张伟 ")
    assert raised.value.code == "trainee_exists"
    records.add_trainee("李娜", cohort="2026春")
    assert [t.name for t in records.trainees(cohort="2026春")] == ["张伟", "李娜"]
    assert records.db.execute("SELECT count(*) FROM cohorts").fetchone()[0] == 1


def test_archived_trainees_leave_the_list_but_keep_their_history(records, clock, drill_file, policy):
    trainee = records.add_trainee("王芳")
    sit(records, clock, trainee, drill_file, policy, day="2026-03-02", score=90)
    Trainer.set_first_passphrase(records, "值班室-教员-2026").set_archived("王芳", True)  # a trainer archives
    assert records.trainees() == []
    assert [t.name for t in records.trainees(include_archived=True)] == ["王芳"]
    assert len(records.attempts_of(trainee)) == 1


def test_an_attempt_keeps_what_replays_and_rescores_it(records, clock, drill_file, policy):
    trainee = records.add_trainee("张伟")
    attempt_id, drill = records.start_attempt(trainee, drill_file, policy, seed=7, mode="practice")
    drill.run_until(drill.end_at)
    clock.now = "2026-03-01T09:30:00"
    records.finish_attempt(attempt_id, make_scorecard(85, critical=1))
    attempt = records.require_attempt(attempt_id)
    assert (attempt.drill, attempt.seed, attempt.mode, attempt.status) == ("test-drill", 7, "practice", "finished")
    assert (attempt.score, attempt.passed, attempt.critical_errors) == (85, False, 1)
    assert (attempt.started, attempt.ended) == ("2026-03-01T08:00:00", "2026-03-01T09:30:00")
    assert attempt.scenario_hash == drill_file.content_hash and attempt.policy_hash == policy_hash(policy)
    assert attempt.rule_hashes == {"duty.phone": "h-phone", "duty.escalation": "h-escalation"}
    assert attempt.scorecard["score"] == 85
    assert records.journal.run(attempt.run_id).status == "finished"
    with pytest.raises(RecordsError) as twice:  # a finished attempt cannot be finished again
        records.finish_attempt(attempt_id, make_scorecard(10))
    assert twice.value.code == "run_not_running" and records.require_attempt(attempt_id).score == 85
    assert records.scenario_as_sat(attempt) == drill_file.scenario  # the drill as it was sat
    assert records.journal.entries(attempt.run_id) == drill.journal
    assert records.policy_as_scored(attempt)["pass_mark"] == policy.pass_mark
    findings = records.db.execute("SELECT finding, rule, status, severity, competency, points, possible FROM findings"
                                  " WHERE attempt_id = ? ORDER BY finding", [attempt_id]).fetchall()
    assert findings == [("critical-0", "duty.escalation", "missed", "critical", "escalation", 0, 10),
                        ("intake-check", "duty.phone", "late", "minor", "intake", 8.5, 10)]


def test_only_exercised_competencies_are_kept(records, clock, drill_file, policy):
    trainee = records.add_trainee("张伟")
    attempt_id = sit(records, clock, trainee, drill_file, policy, day="2026-03-02", score=70,
                     competencies={"escalation": 70, "reporting": 60})
    rows = records.db.execute("SELECT competency, percent, trainee_id, mode, ended FROM competency_results"
                              " WHERE attempt_id = ? ORDER BY competency", [attempt_id]).fetchall()
    assert rows == [("escalation", 70, trainee.id, "exam", "2026-03-02T09:00:00"),
                    ("reporting", 60, trainee.id, "exam", "2026-03-02T09:00:00")]


def test_a_rescore_replaces_scorecard_findings_and_policy(records, clock, drill_file, policy):
    trainee = records.add_trainee("张伟")
    attempt_id = sit(records, clock, trainee, drill_file, policy, day="2026-03-02", score=70)
    stricter = policy.model_copy(update={"pass_mark": 90})
    with write_transaction(records.db):
        records.replace_scorecard(attempt_id, make_scorecard(95, competencies={"reporting": 95}), stricter)
    attempt = records.require_attempt(attempt_id)
    assert attempt.score == 95 and attempt.policy_hash == policy_hash(stricter)
    assert records.policy_as_scored(attempt)["pass_mark"] == 90
    assert [row[0] for row in records.db.execute("SELECT competency FROM competency_results WHERE attempt_id = ?", [attempt_id])] == ["reporting"]


def test_closing_an_interrupted_run_closes_its_attempt(records, clock, drill_file, policy):
    trainee = records.add_trainee("张伟")
    attempt_id, drill = records.start_attempt(trainee, drill_file, policy, seed=3, mode="exam")
    run_id = records.require_attempt(attempt_id).run_id
    clock.now = "2026-03-01T08:20:00"
    closed = records.close_run(run_id, "abandoned", scorecard=lambda attempt: make_scorecard(10))
    assert (closed.status, closed.ended, closed.score) == ("abandoned", "2026-03-01T08:20:00", 10)
    assert records.db.execute("SELECT count(*) FROM competency_results").fetchone()[0] == 0  # no evidence of skill
    assert records.journal.run(run_id).status == "abandoned"
    with pytest.raises(RecordsError) as raised:
        records.close_run(run_id, "interrupted")
    assert raised.value.code == "run_not_running"


def test_a_run_without_attempt_can_be_closed(records, drill_file, policy):
    from drills.session import start_recorded

    run_id, _ = start_recorded(records.journal, drill_file, policy, 1)
    assert records.close_run(run_id, "interrupted") is None
    assert records.journal.run(run_id).status == "interrupted"


def test_rule_versions_tell_what_changed_since_a_day(records):
    records.record_rule_versions("zh", {"duty.phone": "a1", "duty.log": "b1"}, "2026-01-10")
    records.record_rule_versions("zh", {"duty.phone": "a2", "duty.log": "b1", "report.new": "c1"}, "2026-02-01")
    current = {"duty.phone": "a2", "duty.log": "b1", "report.new": "c1"}
    assert records.rules_changed_since("zh", current, "2026-01-31") == ["duty.phone"]
    assert records.rules_changed_since("zh", current, "2026-02-01") == []
    assert records.rules_changed_since("zh", current, "2026-01-01") == []  # nothing on record yet
    # Reverted to the first wording: a change since February, none since January.
    records.record_rule_versions("zh", {"duty.phone": "a1"}, "2026-03-01")
    assert records.rules_changed_since("zh", {"duty.phone": "a1"}, "2026-02-15") == ["duty.phone"]
    assert records.rules_changed_since("zh", {"duty.phone": "a1"}, "2026-01-15") == []
    assert records.earliest_rule_snapshot("zh") == "2026-01-10" and records.earliest_rule_snapshot("en") is None


def test_a_backup_is_a_working_copy(records, clock, drill_file, policy, tmp_path):
    trainee = records.add_trainee("张伟")
    sit(records, clock, trainee, drill_file, policy, day="2026-03-02", score=90)
    backup_database(records.db, tmp_path / "copy.db")
    copy = RecordsStore(open_records(tmp_path / "copy.db"), clock)
    assert [a.score for a in copy.attempts_of(copy.require_trainee("张伟"))] == [90]
    assert json.loads(copy.db.execute("SELECT scorecard FROM attempts").fetchone()[0])["score"] == 90
