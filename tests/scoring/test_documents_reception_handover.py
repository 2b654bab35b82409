"""Instructions, faxes, visitors, confidentiality and handover: met, late, missed, wrong."""

from __future__ import annotations

from drills import actions as act
from scoring.scorecard import Status
from tests.scoring.conftest import finding

INSTRUCTION = "请应急局全力搜救，随时报告。"


def test_relay_word_for_word(sit):
    exact, _ = sit([(21, act.Relay(inject="order", to=["bureau"], text=INSTRUCTION))])
    changed, _ = sit([(21, act.Relay(inject="order", to=["bureau"], text="领导说尽量搜救"))])
    assert finding(exact, "relay").status == Status.met
    altered = finding(changed, "relay")
    assert altered.status == Status.wrong and altered.evidence[-1].what == "altered"


def test_relay_late_and_missed(sit):
    late, _ = sit([(70, act.Relay(inject="order", to=["bureau"], text=INSTRUCTION))])
    none, _ = sit([])
    assert finding(late, "relay").status == Status.late
    assert finding(none, "relay").status == Status.missed


def test_fax_registration_and_return_for_sealing(sit):
    card, _ = sit([(31, act.RegisterDocument(inject="fax")), (32, act.ReturnDocument(inject="fax", reason="未盖章"))])
    assert finding(card, "register").status == Status.met
    assert finding(card, "return").status == Status.met
    late, _ = sit([(40, act.RegisterDocument(inject="fax")), (35, act.ReturnDocument(inject="fax", reason=" "))][::-1])
    assert finding(late, "register").status == Status.late
    assert any(e.what == "no_reason_given" for e in finding(late, "return").evidence)


def test_visitor_received_and_referred_to_the_petitions_office(sit):
    card, _ = sit([(41, act.ReceiveVisitor(inject="walk_in")), (45, act.ReferVisitor(inject="walk_in", person="petitions"))])
    assert finding(card, "receive").status == Status.met and finding(card, "refer").status == Status.met
    wrong, _ = sit([(50, act.ReceiveVisitor(inject="walk_in")), (52, act.ReferVisitor(inject="walk_in", person="leader"))])
    assert finding(wrong, "receive").status == Status.late
    assert finding(wrong, "refer").status == Status.wrong


def test_declining_the_stranger_and_never_disclosing(sit):
    answer = (50, act.Answer(inject="nosy"))
    good, _ = sit([answer, (50.5, act.Decline(inject="nosy", reason="按规定不能提供"))])
    assert finding(good, "decline").status == Status.met
    assert finding(good, "no_disclosure").status == Status.met and finding(good, "no_disclosure").points == 6
    leaked, _ = sit([answer, (50.5, act.Disclose(inject="nosy", what="书记在省里开会，手机139…"))])
    disclosure = finding(leaked, "no_disclosure")
    assert disclosure.status == Status.wrong and disclosure.critical_error
    assert finding(leaked, "decline").status == Status.missed


def test_handover_note_complete_or_not(sit):
    full = act.Handover(inject="shift_end", situation="煤矿透水，死亡3人", open_items="续报", instructions="批示已传达", equipment="正常")
    thin = act.Handover(inject="shift_end", situation="没什么事")
    good, _ = sit([(10, act.Answer(inject="call")), (62, act.Answer(inject="update")), (201, full)])
    poor, _ = sit([(10, act.Answer(inject="call")), (62, act.Answer(inject="update")), (201, thin)])
    assert finding(good, "handover").status == Status.met
    bad = finding(poor, "handover")
    assert bad.status == Status.wrong
    assert {"handover_parts_missing", "missing_facts"} <= {e.what for e in bad.evidence}


def test_subtotals_by_competency_and_purity(sit, scoring_drill, policy):
    from knowledge.rulebook import cached_rulebook
    from scoring.score import score_attempt

    card, drill = sit([(21, act.Relay(inject="order", to=["bureau"], text=INSTRUCTION))])
    assert card.competencies["escalation"].awarded == 6
    assert set(card.competencies) >= {"intake", "reporting", "documents", "reception", "handover", "confidentiality"}
    again = score_attempt(scoring_drill.scenario, 1, drill.journal, policy, cached_rulebook("zh"))
    assert again.as_dict()["findings"] == card.as_dict()["findings"]


def test_contingency_expectations_count_only_when_fired(sit):
    card, _ = sit([])
    assert {f.inject for f in card.findings} <= {"call", "update", "order", "fax", "walk_in", "nosy", "shift_end"}
