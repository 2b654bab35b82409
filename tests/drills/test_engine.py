"""The engine: virtual clock, deliveries, rings, actions, deadlines and contingencies."""

from __future__ import annotations

import pytest

from drills import actions as act
from drills.catalog import DrillFile
from drills.engine import ActionRefused, ItemState
from drills.loader import load_scenario
from drills.session import new_drill, replay
from tests.drills.drill_factory import drill_data, write_drill


@pytest.fixture
def drill_file(tmp_path) -> DrillFile:
    path = write_drill(tmp_path, drill_data())
    scenario, _ = load_scenario(path)
    return DrillFile(path, scenario, "hash", False)


def kinds(drill) -> list[str]:
    return [entry.kind for entry in drill.journal]


def test_nothing_happens_before_its_time(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(4 * 60)
    assert drill.inbox == {} and kinds(drill) == ["drill_started"]
    drill.run_until(5 * 60)
    assert drill.inbox["call"].state == ItemState.ringing


def test_advance_uses_speed_and_pause(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.advance(10)  # speed 2: 20 drill seconds
    assert drill.now == 20
    drill.pause()
    drill.advance(100)
    assert drill.now == 20
    drill.resume()
    drill.set_speed(4)
    drill.advance(5)
    assert drill.now == 40


def test_unanswered_call_is_missed_after_the_policy_rings(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(5 * 60 + policy.rings_before_missed * policy.ring_seconds)
    assert drill.inbox["call"].state == ItemState.missed
    assert "call_missed" in kinds(drill)


def test_answering_counts_rings_and_costs_time(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(5 * 60 + 12)
    outcome = drill.act(act.Answer(inject="call"))
    assert outcome.reply["rings"] == 3
    assert outcome.reply["facts"][0]["value"] == "某村"
    assert drill.now == pytest.approx(5 * 60 + 12 + 6)


def test_actions_before_arrival_or_before_answering_are_refused(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    with pytest.raises(ActionRefused):
        drill.act(act.Answer(inject="call"))
    drill.run_until(5 * 60)
    with pytest.raises(ActionRefused, match="answer the call first"):
        drill.act(act.Ask(inject="call", question="consequences"))
    drill.act(act.Answer(inject="call"))
    with pytest.raises(ActionRefused, match="nobody with id"):
        drill.act(act.Escalate(inject="call", person="ghost"))


def test_caller_claims_and_verification_corrects(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    said = drill.act(act.Ask(inject="call", question="consequences")).reply["facts"][0]
    assert said["value"] == "十人" and said["claimed"]
    confirmed = drill.act(act.Verify(inject="call", person="bureau")).reply["confirmed"][0]
    assert confirmed == {"fact": "deaths", "label": "死亡", "value": "无", "corrected": True}


def test_missed_deadline_fires_its_contingency(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(5 * 60 + 10 * 60 + 61)
    entries = [(e.kind, e.data) for e in drill.journal]
    assert ("deadline_missed", {"expectation": "tell", "due": 900.0}) in entries
    assert ("contingency_fired", {"inject": "angry", "arrives": 960.0}) in entries
    assert "angry" in drill.inbox


def test_meeting_the_deadline_keeps_the_contingency_quiet(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    drill.act(act.Escalate(inject="call", person="leader"))
    drill.run_until(60 * 60)
    assert "angry" not in drill.inbox
    assert "tell" in drill.met


def test_an_action_fires_its_contingency(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    drill.act(act.Escalate(inject="call", person="director"))
    assert "wrong" in drill.inbox and drill.inbox["wrong"].state == ItemState.unread


def test_skip_only_when_nothing_waits(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    assert drill.skip_to_next() and drill.now == 5 * 60
    assert not drill.skip_to_next()  # the phone is ringing
    drill.act(act.Answer(inject="call"))
    assert drill.skip_to_next()
    assert drill.now == 20 * 60 and "fax" in drill.inbox


def test_trainer_triggers_and_shifts(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.trigger_now("fax")
    assert drill.inbox["fax"].arrived == 0
    drill.shift_clock(-5)
    drill.run_until(9 * 60)
    assert "call" not in drill.inbox  # postponed from 5 to 10 minutes
    drill.run_until(10 * 60)
    assert "call" in drill.inbox
    drill.shift_clock(3)
    assert drill.now == 13 * 60
    with pytest.raises(ActionRefused):
        drill.trigger_now("fax")


def test_the_drill_ends_and_refuses_actions(drill_file, policy):
    drill = new_drill(drill_file, policy, 1)
    drill.run_until(10_000 * 60)
    assert drill.ended and drill.now == 120 * 60 and kinds(drill)[-1] == "drill_ended"
    with pytest.raises(ActionRefused, match="over"):
        drill.act(act.RegisterDocument(inject="fax"))


def test_same_seed_and_actions_give_the_same_journal(drill_file, policy):
    def run(seed):
        drill = new_drill(drill_file, policy, seed)
        drill.run_until(5 * 60 + 3)
        drill.act(act.Answer(inject="call"))
        drill.act(act.Greet(inject="call", text="您好，这里是县委"))
        drill.run_until(10_000)
        return [entry.as_dict() for entry in drill.journal]

    assert run(7) == run(7)
    assert run(7) != run(8)  # the caller's name is drawn from the seed


def test_replay_rebuilds_the_same_state(drill_file, policy):
    drill = new_drill(drill_file, policy, 3)
    drill.run_until(5 * 60)
    drill.act(act.Answer(inject="call"))
    drill.shift_clock(-2)
    drill.skip_to_next()
    drill.act(act.RegisterDocument(inject="fax"))
    rebuilt = replay(drill_file, policy, 3, drill.journal)
    assert [e.as_dict() for e in rebuilt.journal] == [e.as_dict() for e in drill.journal]
    assert rebuilt.now == drill.now and rebuilt.met == drill.met


def test_unanswered_caller_rings_again_a_bounded_number_of_times(tmp_path, policy):
    data = drill_data()
    data["injects"][0].update(ring_again_after=2, rings_again=2)
    path = write_drill(tmp_path, data)
    scenario, _ = load_scenario(path)
    drill = new_drill(DrillFile(path, scenario, "h", False), policy, 1)
    drill.run_until(drill.end_at)
    assert sum(1 for e in drill.journal if e.kind == "call_missed" and e.data["inject"] == "call") == 3


def test_reading_a_document_or_message_tells_its_facts(tmp_path, policy):
    data = drill_data()
    data["injects"][1]["volunteers"] = ["place"]
    data["injects"][3]["volunteers"] = ["deaths"]
    path = write_drill(tmp_path, data)
    scenario, _ = load_scenario(path)
    drill = new_drill(DrillFile(path, scenario, "h", False), policy, 1)
    drill.run_until(20 * 60)
    reply = drill.act(act.RegisterDocument(inject="fax")).reply
    assert reply["facts"][0]["value"] == "某村"
    drill.act(act.Escalate(inject="fax", person="director"))  # sets off the "wrong" message
    delivered = next(e for e in drill.journal if e.kind == "inject_delivered" and e.data["inject"] == "wrong")
    assert delivered.data["facts"][0]["fact"] == "deaths"


def test_ideal_answers_the_contingencies_its_own_actions_set_off(tmp_path, policy):
    from drills.playbook import built_in_playbook, run_playbook

    data = drill_data()
    data["injects"].append({"id": "resent", "channel": "fax", "when": {"action": "return_document", "inject": "fax"},
                            "delay": 5, "source": "bureau", "summary": "重发",
                            "document": {"title": "情况报告", "sender_unit": "应急局"}})
    data["expectations"] += [
        {"id": "send_back", "inject": "fax", "action": "return_document", "points": 5, "rule": "documents.seal-check"},
        {"id": "reg_resent", "inject": "resent", "action": "register_document", "deadline": "register_document",
         "points": 5, "rule": "documents.registration"},
    ]
    path = write_drill(tmp_path, data)
    scenario, _ = load_scenario(path)
    drill = new_drill(DrillFile(path, scenario, "h", False), policy, 1)
    assert run_playbook(drill, *built_in_playbook("ideal", drill.scenario)) == []
    assert "reg_resent" in drill.met
    assert not any(e.kind == "deadline_missed" for e in drill.journal)


def test_calling_back_a_missed_caller_stops_the_next_ring(tmp_path, policy):
    data = drill_data()
    data["injects"][0].update(ring_again_after=2, rings_again=2)
    path = write_drill(tmp_path, data)
    scenario, _ = load_scenario(path)
    drill = new_drill(DrillFile(path, scenario, "h", False), policy, 1)
    drill.run_until(5 * 60 + 60)  # missed
    drill.act(act.Answer(inject="call"))  # called back
    drill.run_until(drill.end_at)
    assert drill.inbox["call"].state == ItemState.active
    assert sum(1 for e in drill.journal if e.kind == "inject_delivered" and e.data["inject"] == "call") == 1


def test_only_the_sources_that_make_a_claim_say_it(tmp_path, policy):
    data = drill_data()
    data["facts"][1]["claimed_by"] = ["call"]
    data["injects"][1]["volunteers"] = ["deaths"]
    path = write_drill(tmp_path, data)
    scenario, _ = load_scenario(path)
    drill = new_drill(DrillFile(path, scenario, "h", False), policy, 1)
    drill.run_until(20 * 60)
    told = drill.act(act.RegisterDocument(inject="fax")).reply["facts"][0]
    assert told["value"] == "无" and not told["claimed"]
