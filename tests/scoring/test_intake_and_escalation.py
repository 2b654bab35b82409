"""Answering, naming the unit, the duty log, verification and escalation: met, late, missed, wrong."""

from __future__ import annotations

from drills import actions as act
from scoring.scorecard import Status
from tests.scoring.conftest import ANSWER, finding


def test_answer_within_three_rings_is_met(sit):
    card, _ = sit([ANSWER])
    answer = finding(card, "answer")
    assert answer.status == Status.met and answer.points == 4


def test_answer_after_five_rings_is_late_with_half_points(sit):
    card, _ = sit([(10 + 25 / 60, act.Answer(inject="call"))])
    answer = finding(card, "answer")
    assert answer.status == Status.late and answer.points == 2


def test_unanswered_call_is_missed(sit):
    card, _ = sit([])
    assert finding(card, "answer").status == Status.missed


def test_greeting_must_name_the_unit(sit):
    good, _ = sit([ANSWER, (10.1, act.Greet(inject="call", text="您好，这里是县委值班室"))])
    bad, _ = sit([ANSWER, (10.1, act.Greet(inject="call", text="喂，你好"))])
    assert finding(good, "greet").status == Status.met
    wrong = finding(bad, "greet")
    assert wrong.status == Status.wrong and wrong.points == 0
    assert wrong.evidence[-1].what == "unit_not_named"


def test_log_must_hold_the_facts_the_caller_gave(sit):
    asked = (10.2, act.Ask(inject="call", question="consequences"))
    full = {"caller": "张三", "phone": "123", "content": "某村 二十多人被困"}
    good, _ = sit([ANSWER, asked, (11, act.LogEntry(inject="call", fields=full))])
    thin, _ = sit([ANSWER, asked, (11, act.LogEntry(inject="call", fields={"caller": "张三", "phone": "123", "content": "出事了"}))])
    assert finding(good, "log").status == Status.met and finding(good, "log").points == 6
    lost = finding(thin, "log")
    assert lost.points < 6
    assert any(e.what == "missing_facts" and set(e.detail["facts"]) == {"place", "trapped"} for e in lost.evidence)


def test_log_after_its_limit_is_late(sit):
    card, _ = sit([ANSWER, (30, act.LogEntry(inject="call", fields={"caller": "张三", "phone": "123", "content": "某村"}))])
    assert finding(card, "log").status == Status.late


def test_verification_needs_the_named_unit(sit):
    met, _ = sit([ANSWER, (12, act.Verify(inject="call", person="bureau"))])
    wrong, _ = sit([ANSWER, (12, act.Verify(inject="call", person="township"))])
    assert finding(met, "verify").status == Status.met
    assert finding(wrong, "verify").status == Status.wrong


def test_escalation_to_the_shift_leader_in_time(sit):
    card, _ = sit([ANSWER, (12, act.Escalate(inject="call", person="leader"))])
    assert finding(card, "escalate").status == Status.met


def test_escalating_too_late_is_late(sit):
    card, _ = sit([ANSWER, (40, act.Escalate(inject="call", person="leader"))])
    assert finding(card, "escalate").status == Status.late


def test_never_escalating_is_a_critical_error_that_fails(sit):
    card, _ = sit([ANSWER])
    escalate = finding(card, "escalate")
    assert escalate.status == Status.missed and escalate.critical_error
    assert not card.passed


def test_over_escalation_is_wrong_but_earns_something(sit):
    card, _ = sit([ANSWER, (12, act.Escalate(inject="call", person="secretary"))])
    over = finding(card, "escalate")
    assert over.status == Status.wrong and 0 < over.points < over.possible
    assert any(e.what == "over_escalation" for e in over.evidence)


def test_escalating_to_someone_off_the_ladder_is_wrong_with_nothing(sit):
    card, _ = sit([ANSWER, (12, act.Escalate(inject="call", person="bureau"))])
    wrong = finding(card, "escalate")
    assert wrong.status == Status.wrong and wrong.points == 0
    assert any(e.what == "wrong_person" for e in wrong.evidence)


def test_unreachable_shift_leader_means_the_next_in_line(scoring_drill, policy):
    from drills.catalog import DrillFile
    from drills.session import new_drill
    from scoring.score import score_attempt

    people = [p.model_copy(update={"reachable": False}) if p.id == "leader" else p for p in scoring_drill.scenario.people]
    scenario = scoring_drill.scenario.model_copy(update={"people": people})
    drill_file = DrillFile(scoring_drill.path, scenario, "h", False)

    def escalate_to(*people_ids):
        drill = new_drill(drill_file, policy, 1)
        drill.run_until(10 * 60)
        drill.act(act.Answer(inject="call"))
        for person in people_ids:
            drill.act(act.Escalate(inject="call", person=person))
        drill.run_until(drill.end_at)
        return finding(score_attempt(scenario, 1, drill.journal, policy), "escalate")

    assert escalate_to("leader", "director").status == Status.met
    waited = escalate_to("leader")
    assert waited.status == Status.wrong and waited.points == 0
    assert [e.what for e in waited.evidence] == ["not_reached"]


def test_going_first_to_a_leader_the_drill_also_expects_costs_nothing(scoring_drill, policy):
    from drills.catalog import DrillFile
    from drills.session import new_drill
    from scoring.score import score_attempt

    also = scoring_drill.scenario.expectations[5].model_copy(update={"id": "tell_secretary", "target": "secretary"})
    scenario = scoring_drill.scenario.model_copy(update={"expectations": [*scoring_drill.scenario.expectations, also]})
    drill = new_drill(DrillFile(scoring_drill.path, scenario, "h", False), policy, 1)
    drill.run_until(10 * 60)
    drill.act(act.Answer(inject="call"))
    drill.act(act.Escalate(inject="call", person="secretary"))
    drill.act(act.Escalate(inject="call", person="leader"))
    card = score_attempt(scenario, 1, drill.journal, policy)
    assert finding(card, "escalate").points == 10 and finding(card, "tell_secretary").status == Status.met
