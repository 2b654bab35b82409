"""Cleared for duty, rule by rule, on hand-made attempts; and the readiness policy file."""

from __future__ import annotations

import datetime

import pytest

from scoring.readiness import (DEFAULT_READINESS, ReadinessPolicy, ReadinessPolicyError, load_readiness_policy,
                               readiness_board, readiness_override)
from scoring.trainers import Trainer
from tests.records.conftest import make_drill_file, sit

TODAY = datetime.date(2026, 6, 1)
POLICY = ReadinessPolicy(minimum_score=80, required_competencies={"escalation": 80}, critical_free_exams=3, valid_days=90)


def board(records, policy=POLICY, today=TODAY):
    return {entry.name: entry for entry in readiness_board(records.db, policy, today)}


@pytest.fixture
def trainee(records):
    return records.add_trainee("张伟", unit="县委办", cohort="2026春")


def codes(entry):
    return [reason.code for reason in entry.reasons]


def test_cleared_with_a_recent_pass_and_the_competency(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=88, competencies={"escalation": 90})
    entry = board(records)["张伟"]
    assert (entry.status, entry.reasons, entry.cohort, entry.unit) == ("cleared", (), "2026春", "县委办")
    assert entry.valid_until == datetime.date(2026, 7, 30)  # 90 days after the pass
    assert entry.last_exam == "2026-05-01"


def test_a_clearance_ending_within_the_notice_days_expires_soon(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=88, competencies={"escalation": 90})
    # Valid until 2026-07-30: 59 days after TODAY.
    assert not board(records)["张伟"].expires_soon  # the default notice is 30 days
    assert "expires_soon" not in board(records)["张伟"].as_dict()
    on_notice = board(records, POLICY.model_copy(update={"notice_days": 59}))["张伟"]
    assert on_notice.status == "cleared" and on_notice.expires_soon and on_notice.as_dict()["expires_soon"] is True
    assert not board(records, POLICY.model_copy(update={"notice_days": 58}))["张伟"].expires_soon


def test_a_trainee_without_exams_is_not_yet_cleared(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=100, mode="practice",
        competencies={"escalation": 100})
    assert codes(board(records)["张伟"]) == ["no_exam"]


def test_missing_competency(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=90, competencies={"intake": 90})
    entry = board(records)["张伟"]
    assert entry.status == "not_yet" and codes(entry) == ["competency_untested"]
    sit(records, clock, trainee, drill_file, policy, day="2026-05-02", score=85, competencies={"escalation": 70})
    entry = board(records)["张伟"]
    assert codes(entry) == ["competency_below"]
    assert entry.reasons[0].details == {"competency": "escalation", "minimum_percent": 80, "best_percent": 70}


def test_score_too_low(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=78, competencies={"escalation": 90})
    entry = board(records)["张伟"]
    assert entry.status == "not_yet" and codes(entry) == ["drill_not_passed"]
    assert entry.reasons[0].details == {"drill": "*", "minimum_score": 80, "best_score": 78}
    # The office may ask for more than the scorecard's pass mark.
    sit(records, clock, trainee, drill_file, policy, day="2026-05-02", score=88, competencies={"escalation": 90})
    assert board(records)["张伟"].status == "cleared"
    assert codes(board(records, POLICY.model_copy(update={"minimum_score": 90}))["张伟"]) == ["drill_not_passed"]


def test_required_drills_each_need_a_pass(records, clock, trainee, drill_file, policy, tmp_path):
    other = make_drill_file(tmp_path, "fax-drill")
    required = POLICY.model_copy(update={"required_drills": ["test-drill", "fax-drill"], "required_competencies": {}})
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=90)
    entry = board(records, required)["张伟"]
    assert codes(entry) == ["drill_not_passed"] and entry.reasons[0].details["drill"] == "fax-drill"
    assert entry.reasons[0].details["best_score"] is None  # never sat
    sit(records, clock, trainee, other, policy, day="2026-05-03", score=95)
    assert board(records, required)["张伟"].status == "cleared"
    assert board(records, required)["张伟"].valid_until == datetime.date(2026, 7, 30)  # the older pass decides


def test_a_critical_error_in_the_last_exams_blocks_clearance(records, clock, trainee, drill_file, policy):
    faulty = sit(records, clock, trainee, drill_file, policy, day="2026-04-01", score=95, critical=1,
                 competencies={"escalation": 90})
    sit(records, clock, trainee, drill_file, policy, day="2026-04-10", score=90, competencies={"escalation": 90})
    sit(records, clock, trainee, drill_file, policy, day="2026-04-20", score=90, competencies={"escalation": 90})
    entry = board(records)["张伟"]
    assert entry.status == "not_yet" and codes(entry) == ["critical_error"]
    assert entry.reasons[0].details == {"attempts": [faulty], "last": "2026-04-01", "exams": 3}
    # A practice attempt does not push the faulty exam out; a fourth clean exam does.
    sit(records, clock, trainee, drill_file, policy, day="2026-04-25", score=90, mode="practice")
    assert board(records)["张伟"].status == "not_yet"
    sit(records, clock, trainee, drill_file, policy, day="2026-04-30", score=90, competencies={"escalation": 90})
    assert board(records)["张伟"].status == "cleared"


def test_a_pass_older_than_the_validity_expires(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-01-15", score=90, competencies={"escalation": 90})
    entry = board(records)["张伟"]
    assert entry.status == "expired" and set(codes(entry)) == {"drill_expired", "competency_expired"}
    assert entry.valid_until == datetime.date(2026, 4, 15)
    assert entry.reasons[0].details["passed_on"] == "2026-01-15"
    # Cleared on the last day of its validity, expired the day after.
    assert board(records, today=datetime.date(2026, 4, 15))["张伟"].status == "cleared"
    assert board(records, today=datetime.date(2026, 4, 16))["张伟"].status == "expired"


def test_a_failed_renewal_stays_expired_and_says_how_it_went(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-01-15", score=90, competencies={"escalation": 90})
    sit(records, clock, trainee, drill_file, policy, day="2026-05-15", score=60, competencies={"escalation": 50})
    entry = board(records)["张伟"]
    assert entry.status == "expired"
    assert [(r.code, r.details.get("best_score", r.details.get("best_percent"))) for r in entry.reasons] == [
        ("drill_expired", 60), ("competency_expired", 50)]


def test_interrupted_attempts_and_archived_trainees_do_not_count(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-01", score=95, status="interrupted",
        competencies={"escalation": 95})
    assert codes(board(records)["张伟"]) == ["no_exam"]
    Trainer.set_first_passphrase(records, "值班室-教员-2026").set_archived("张伟", True)  # a trainer archives
    assert board(records) == {}


def test_the_board_lists_every_trainee_by_name_and_filters_a_cohort(records):
    records.add_trainee("王芳", cohort="甲")
    records.add_trainee("李娜", cohort="乙")
    assert [entry.name for entry in readiness_board(records.db, POLICY, TODAY)] == ["李娜", "王芳"]
    assert [entry.name for entry in readiness_board(records.db, POLICY, TODAY, cohort="甲")] == ["王芳"]
    assert readiness_board(records.db, POLICY, TODAY)[0].as_dict()["missing"] == [{"code": "no_exam"}]


def test_the_shipped_policy_loads_and_an_office_file_overrides_it(isolated_home):
    shipped = load_readiness_policy()
    assert shipped.minimum_score == 80 and shipped.valid_days == 365
    readiness_override().write_text("valid_days: 180\nrequired_drills: [night-mine-flood]\n", encoding="utf-8")
    office = load_readiness_policy(DEFAULT_READINESS, readiness_override())
    assert office.valid_days == 180 and office.required_drills == ["night-mine-flood"]
    assert office.required_competencies == shipped.required_competencies


@pytest.mark.parametrize("content, message", [
    ("valid_days: 0\n", "valid_days"),
    ("required_competencies: {typing: 80}\n", "required_competencies"),
    ("minimum_sore: 80\n", "minimum_sore"),
    ("- a list\n", "mapping"),
    ("valid_days: [\n", "cannot read"),
])
def test_a_bad_office_policy_names_the_file_and_field(isolated_home, content, message):
    readiness_override().write_text(content, encoding="utf-8")
    with pytest.raises(ReadinessPolicyError, match=message) as raised:
        load_readiness_policy(DEFAULT_READINESS, readiness_override())
    assert str(readiness_override()) in str(raised.value)
