"""Judging reports upward: elements, facts as known at that moment, verification, seal.

Reporting failures are named as the rulebook defines them (report.failures): 迟报 late,
漏报 omitted, 谎报/虚报 false, 瞒报 concealed, 错报 erroneous.
"""

from __future__ import annotations

from drills.evidence import TakenAction
from drills.scenario import Expectation, ReportChannel
from drills.timing import at_seconds, fact_value_at
from scoring.context import AttemptContext
from scoring.judges import Verdict
from scoring.scorecard import ReportingFailure
from scoring.text_match import carries, states_instead

# When one report has several faults, the finding names the gravest.
_GRAVITY = [ReportingFailure.false, ReportingFailure.concealed, ReportingFailure.erroneous,
            ReportingFailure.omitted, ReportingFailure.late]


def _worse(first: ReportingFailure | None, second: ReportingFailure) -> ReportingFailure:
    if first is None:
        return second
    return first if _GRAVITY.index(first) <= _GRAVITY.index(second) else second


def report_text(taken: TakenAction) -> str:
    return " ".join(taken.action.elements.values())


def judge_report(expectation: Expectation, context: AttemptContext, taken: TakenAction) -> Verdict:
    verdict = Verdict()
    report = taken.action
    text = report_text(taken)
    heard = context.heard(taken.at)
    confirmed = context.confirmed(taken.at)

    def fail(kind: ReportingFailure, share: float, what: str, **detail) -> None:
        """A reporting failure as the rulebook defines one: the report was done wrong."""
        verdict.failure = _worse(verdict.failure, kind)
        verdict.wrong = True
        verdict.deduct(share, what, taken.at, **detail)

    required = expectation.elements
    empty = [element.value for element in required if not report.elements.get(element, "").strip()]
    if empty:
        fail(ReportingFailure.omitted, 0.4 * len(empty) / len(required), "missing_elements", elements=empty)

    for fact_id in expectation.facts:
        fact, value = context.facts[fact_id], heard.get(fact_id)
        versions = [v for v in (fact.claimed, fact.value, *(change.value for change in fact.changes)) if v]
        # A fact stated in a wrong version was reported, wrongly: judged below, not as left out.
        if value and not any(carries(text, version) for version in [value, *versions]):
            if fact.critical:
                fail(ReportingFailure.concealed, 0.6, "critical_fact_left_out", fact=fact_id, known=value)
            else:
                fail(ReportingFailure.omitted, 0.3 / len(expectation.facts), "fact_left_out", fact=fact_id, known=value)

    for fact in context.scenario.facts:
        truth = fact_value_at(fact, taken.at, context.scenario)
        if truth is None:
            continue
        labelled = fact.element in report.unconfirmed
        if fact.claimed and states_instead(text, truth, fact.claimed):
            if fact.id in confirmed:
                fail(ReportingFailure.erroneous, 0.5, "reported_claim_after_correction", fact=fact.id, claim=fact.claimed, truth=truth)
            elif not labelled:
                fail(ReportingFailure.false, 0.6, "unverified_claim_as_fact", fact=fact.id, claim=fact.claimed)
        known = heard.get(fact.id)
        changes = sorted(fact.changes, key=lambda change: at_seconds(change.at, context.scenario))
        history = [value for value in [fact.value, *(change.value for change in changes)] if value]
        if known in history:  # the trainee was told of a change; an older figure is now wrong
            for earlier in history[: history.index(known)]:
                if states_instead(text, known, earlier):
                    fail(ReportingFailure.erroneous, 0.3, "outdated_figure", fact=fact.id, reported=earlier, known=known)
                    break
        if (fact.id in expectation.facts and fact.confirmed_by and fact.id not in confirmed and not labelled
                and not fact.claimed and known and carries(text, known)):
            verdict.deduct(0.2, "unverified_as_confirmed", taken.at, fact=fact.id)

    if report.channel != ReportChannel.phone:
        if not report.sealed:
            verdict.deduct(0.3, "no_seal", taken.at)
            verdict.wrong = True
        if not report.signed_off:
            verdict.deduct(0.2, "no_sign_off", taken.at)
    return verdict


def missed_report_failure(expectation: Expectation, context: AttemptContext, due: float | None) -> ReportingFailure:
    """A report never filed: concealed (瞒报) if the trainee knew a grave fact, else omitted."""
    moment = due if due is not None else context.end
    heard = context.heard(moment, expectation.inject)
    knew_grave = any(heard.get(fact_id) for fact_id in expectation.facts if context.facts[fact_id].critical)
    return ReportingFailure.concealed if knew_grave else ReportingFailure.omitted


def classified_over_open_line(context: AttemptContext) -> list[tuple[TakenAction, str]]:
    """Reports that carried a classified fact over an ordinary phone or fax (secrecy.channels)."""
    leaks = []
    for taken in context.actions:
        if taken.action.kind != "report" or taken.action.channel == ReportChannel.secure:
            continue
        heard = context.heard(taken.at)
        for fact in context.scenario.facts:
            value = heard.get(fact.id)
            if fact.classified and value and carries(report_text(taken), value):
                leaks.append((taken, fact.id))
    return leaks
