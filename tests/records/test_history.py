"""A trainee's history: best, last, trend, and the weakest competencies with their rules."""

from __future__ import annotations

from scoring.history import office_lines, trainee_history, trend, weakest_competencies
from tests.records.conftest import sit


def test_trend_compares_recent_scores_with_the_ones_before():
    assert trend([]) is None and trend([70]) is None
    assert trend([70, 80]) == 10
    assert trend([60, 70, 80, 90]) == 20  # (80+90)/2 - (60+70)/2
    assert trend([40, 90, 80, 70, 60, 60, 60]) == -20  # the last three against the three before; 40 is out


def test_history_of_one_trainee(records, clock, drill_file, policy):
    trainee = records.add_trainee("张伟")
    sit(records, clock, trainee, drill_file, policy, day="2026-03-01", score=60, competencies={"reporting": 40, "intake": 90})
    sit(records, clock, trainee, drill_file, policy, day="2026-03-05", score=90, competencies={"reporting": 70, "intake": 100})
    sit(records, clock, trainee, drill_file, policy, day="2026-03-09", score=50, status="abandoned")
    history = trainee_history(records, trainee)
    assert [a.score for a in history.attempts] == [60, 90, 50]
    summary = history.summary
    assert (summary.attempts, summary.scored, summary.best, summary.last, summary.trend) == (3, 2, 90, 90, 30)
    weakest = history.weakest
    # Finished attempts only: reporting 11 of 20, intake 19 of 20.
    assert [(c.competency, c.percent) for c in weakest] == [("reporting", 55), ("intake", 95)]
    rules = weakest[0].rules
    assert rules and rules[0].rule == "duty.phone" and rules[0].lost > 0


def test_weakest_competencies_for_everyone_and_office_lines(records, clock, drill_file, policy):
    first = records.add_trainee("张伟", cohort="甲")
    second = records.add_trainee("李娜", cohort="乙")
    sit(records, clock, first, drill_file, policy, day="2026-03-01", score=90, competencies={"escalation": 100})
    sit(records, clock, second, drill_file, policy, day="2026-03-02", score=50, competencies={"escalation": 50, "handover": 80})
    assert [(c.competency, c.percent) for c in weakest_competencies(records.db)] == [("escalation", 75), ("handover", 80)]
    assert weakest_competencies(records.db, first.id) == []
    lines = {line.trainee: line.summary for line in office_lines(records)}
    assert lines["张伟"].best == 90 and lines["李娜"].last == 50 and lines["李娜"].trend is None
    assert [line.trainee for line in office_lines(records, cohort="乙")] == ["李娜"]
