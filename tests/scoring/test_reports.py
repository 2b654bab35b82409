"""Reports upward: timing, elements, facts as known then, verification, seal; failure classes."""

from __future__ import annotations

from drills import actions as act
from scoring.scorecard import ReportingFailure, Status
from tests.scoring.conftest import ANSWER, finding

ASK = (10.2, act.Ask(inject="call", question="consequences"))
VERIFY = (11, act.Verify(inject="call", person="bureau"))


def phone_report(minutes, **elements):
    return (minutes, act.FileReport(inject="call", stage="initial", channel="phone", recipient="city", elements=elements))


def test_initial_report_in_time_with_verified_facts_is_met(sit):
    card, _ = sit([ANSWER, ASK, VERIFY, phone_report(16, place="某村", consequences="被困11人，暂无死亡")])
    initial = finding(card, "initial")
    assert initial.status == Status.met and initial.points == 12 and initial.failure is None


def test_late_initial_report_is_chibao(sit):
    card, _ = sit([ANSWER, ASK, VERIFY, phone_report(50, place="某村", consequences="被困11人")])
    late = finding(card, "initial")
    assert late.status == Status.late and late.failure == ReportingFailure.late and late.points == 6


def test_no_report_after_hearing_of_trapped_miners_is_manbao(sit):
    card, _ = sit([ANSWER, ASK])
    missed = finding(card, "initial")
    assert missed.status == Status.missed and missed.failure == ReportingFailure.concealed
    assert missed.critical_error and not card.passed


def test_no_report_without_knowing_anything_is_loubao(sit):
    card, _ = sit([])
    assert finding(card, "initial").failure == ReportingFailure.omitted


def test_missing_elements_are_loubao(sit):
    card, _ = sit([ANSWER, ASK, VERIFY, phone_report(16, place="某村")])
    partial = finding(card, "initial")
    assert partial.failure == ReportingFailure.concealed  # the trapped miners were known and left out
    assert any(e.what == "missing_elements" and e.detail["elements"] == ["consequences"] for e in partial.evidence)


def test_reporting_the_callers_unverified_claim_as_fact_is_xubao(sit):
    card, _ = sit([ANSWER, ASK, phone_report(13, place="某村", consequences="二十多人被困")])
    false = finding(card, "initial")
    assert false.status == Status.wrong and false.failure == ReportingFailure.false
    assert false.critical_error


def test_a_claim_labelled_unconfirmed_is_not_false(sit):
    report = act.FileReport(inject="call", stage="initial", channel="phone", recipient="city",
                            elements={"place": "某村", "consequences": "据称二十多人被困，待核实"}, unconfirmed=["consequences"])
    card, _ = sit([ANSWER, ASK, (13, report)])
    labelled = finding(card, "initial")
    assert labelled.failure is None and labelled.status == Status.met


def test_repeating_the_claim_after_verification_corrected_it_is_cuobao(sit):
    card, _ = sit([ANSWER, ASK, VERIFY, phone_report(16, place="某村", consequences="二十多人被困")])
    wrong = finding(card, "initial")
    assert wrong.failure == ReportingFailure.erroneous and wrong.status == Status.wrong


def test_follow_up_must_carry_the_new_death_toll(sit):
    answer_update = (62, act.Answer(inject="update"))
    good, _ = sit([ANSWER, ASK, VERIFY, answer_update,
                   (63, act.FileReport(inject="update", stage="follow_up", channel="phone", recipient="city",
                                       elements={"consequences": "死亡3人"}))])
    stale, _ = sit([ANSWER, ASK, VERIFY, answer_update,
                    (63, act.FileReport(inject="update", stage="follow_up", channel="phone", recipient="city",
                                        elements={"consequences": "暂无死亡"}))])
    assert finding(good, "follow_up").status == Status.met
    outdated = finding(stale, "follow_up")
    assert outdated.failure == ReportingFailure.erroneous
    assert any(e.what == "outdated_figure" for e in outdated.evidence)


def test_written_report_needs_seal_and_sign_off(sit):
    def written(sealed, signed):
        return (20, act.FileReport(inject="call", stage="initial", channel="written", recipient="city",
                                   elements={"place": "某村", "consequences": "被困11人"}, sealed=sealed, signed_off=signed))
    good, _ = sit([ANSWER, ASK, VERIFY, written(True, True)])
    unsealed, _ = sit([ANSWER, ASK, VERIFY, written(False, False)])
    assert finding(good, "written").status == Status.met
    bad = finding(unsealed, "written")
    assert bad.status == Status.wrong and {"no_seal", "no_sign_off"} <= {e.what for e in bad.evidence}


def test_reporting_to_the_wrong_place_is_wrong(sit):
    report = act.FileReport(inject="call", stage="initial", channel="phone", recipient="township",
                            elements={"place": "某村", "consequences": "被困11人"})
    card, _ = sit([ANSWER, ASK, VERIFY, (16, report)])
    assert finding(card, "initial").status == Status.wrong


def test_classified_fact_over_the_open_line_is_a_critical_error(sit):
    ask_actions = (10.3, act.Ask(inject="call", question="actions"))
    card, _ = sit([ANSWER, ASK, ask_actions, VERIFY, phone_report(16, place="某村", consequences="被困11人", measures="调动武警中队")])
    leak = next(f for f in card.findings if f.rule == "secrecy.channels")
    assert leak.critical_error and not card.passed
    secure = act.FileReport(inject="call", stage="initial", channel="secure", recipient="city",
                            elements={"place": "某村", "consequences": "被困11人", "measures": "调动武警中队"})
    safe, _ = sit([ANSWER, ASK, ask_actions, VERIFY, (16, secure)])
    assert not any(f.rule == "secrecy.channels" for f in safe.findings)


def test_a_phone_report_is_no_attempt_at_the_written_one(sit):
    card, _ = sit([ANSWER, ASK, VERIFY, phone_report(16, place="某村", consequences="被困11人")])
    written = finding(card, "written")
    assert written.status == Status.missed and written.failure == ReportingFailure.concealed


def test_an_outdated_figure_makes_the_report_wrong(sit):
    card, _ = sit([ANSWER, ASK, VERIFY, (62, act.Answer(inject="update")),
                   (63, act.FileReport(inject="update", stage="follow_up", channel="phone", recipient="city",
                                       elements={"consequences": "暂无死亡"}))])
    assert finding(card, "follow_up").status == Status.wrong
