"""Scoring an attempt: a pure function of (drill, seed, journal, policy) and the rulebook.

Each expectation of an inject that arrived becomes one finding: met, late, missed or
wrong, with its evidence and the rule it comes from. A critical error fails the attempt
whatever the total.
"""

from __future__ import annotations

from drills.engine import ENGINE_VERSION, JournalEntry
from drills.policy import Policy
from drills.scenario import ActionKind, Expectation, Scenario, Severity
from drills.variables import instantiate
from knowledge.model import Rulebook
from scoring.context import AttemptContext
from scoring.judges import JUDGES, Verdict, escalation_evidence, no_judgement
from scoring.reports import classified_over_open_line, judge_report, missed_report_failure
from scoring.scorecard import DEFAULT_COMPETENCY, Evidence, Finding, ReportingFailure, Scorecard, Status, Subtotal
from drills.scenario import Competency

LATE_SHARE = 0.5  # a late action earns half its points
SECRECY_RULE = "secrecy.channels"
# Points taken off the total for faults outside any expectation, by severity.
EXTRA_PENALTY = {Severity.critical: 10, Severity.major: 5, Severity.minor: 2}


def score_attempt(scenario: Scenario, seed: int, entries: list[JournalEntry], policy: Policy,
                  rulebook: Rulebook | None = None) -> Scorecard:
    """The scorecard of one attempt; the same inputs always give the same scorecard."""
    instantiated, _ = instantiate(scenario, seed)
    context = AttemptContext(instantiated, policy, entries)

    def title(rule: str) -> str:
        return rulebook.title_of(rule) if rulebook else ""

    findings = [finding for expectation in instantiated.expectations
                if (finding := _judge_expectation(expectation, context, title)) is not None]
    extras = _secrecy_findings(context, title(SECRECY_RULE))

    awarded = sum(f.points for f in findings)
    possible = sum(f.possible for f in findings)
    penalty = sum(EXTRA_PENALTY[f.severity] for f in extras)
    score = max(0, min(100, round(100 * awarded / possible) - penalty)) if possible else max(0, 100 - penalty)
    every = tuple(findings + extras)
    cited = sorted({f.rule for f in every})
    hashes = rulebook.hashes() if rulebook else {}
    return Scorecard(
        drill=instantiated.id, language=instantiated.language, seed=seed, engine=ENGINE_VERSION,
        score=score, passed=score >= policy.pass_mark and not any(f.critical_error for f in every),
        pass_mark=policy.pass_mark, findings=every, competencies=_subtotals(findings),
        rule_hashes={rule: hashes[rule] for rule in cited if rule in hashes},
    )


def _judge_expectation(expectation: Expectation, context: AttemptContext, title) -> Finding | None:
    if expectation.inject not in context.delivered:
        return None  # a contingency that never fired: nothing to judge
    due = context.due(expectation)
    done: float | None = None
    failure: ReportingFailure | None = None
    if expectation.avoid:
        taken = context.matching(expectation)
        verdict = Verdict(share=0.0, wrong=True, evidence=[Evidence(t.at, "done_though_forbidden", t.action.model_dump(mode="json")) for t in taken]) if taken else Verdict()
        status = Status.wrong if taken else Status.met
        done = taken[0].done if taken else None
    else:
        matches = context.matching(expectation)
        if matches:
            first = matches[0]
            done = first.done
            judge = judge_report if expectation.action == ActionKind.report else JUDGES.get(expectation.action, no_judgement)
            verdict = judge(expectation, context, first)
            verdict.evidence.insert(0, Evidence(first.at, "done", {"done": first.done}))
            late = due is not None and first.done > due
            if late and expectation.action == ActionKind.report:
                verdict.failure = verdict.failure or ReportingFailure.late
            status = Status.wrong if verdict.wrong else (Status.late if late else Status.met)
            if late:
                verdict.share *= LATE_SHARE
        elif context.candidates(expectation):
            tries = context.candidates(expectation)
            verdict = escalation_evidence(expectation, context, tries) if expectation.action == ActionKind.escalate \
                else Verdict(share=0.0, wrong=True, evidence=[Evidence(t.at, "wrong_target_or_channel", t.action.model_dump(mode="json")) for t in tries])
            status = Status.wrong
        else:
            if due is not None and due > context.end:
                return None  # its deadline lay beyond where the drill stopped
            verdict = Verdict(share=0.0)
            status = Status.missed
            if expectation.action == ActionKind.report:
                verdict.failure = missed_report_failure(expectation, context, due)
        failure = verdict.failure
    return Finding(
        id=expectation.id, inject=expectation.inject, action=expectation.action.value, status=status,
        points=round(expectation.points * verdict.share, 2), possible=expectation.points,
        severity=expectation.severity,
        competency=expectation.competency or DEFAULT_COMPETENCY[expectation.action],
        rule=expectation.rule, rule_title=title(expectation.rule), due=due, done=done, failure=failure,
        evidence=tuple(verdict.evidence), description=expectation.description,
    )


def _secrecy_findings(context: AttemptContext, rule_title: str) -> list[Finding]:
    """One critical finding per item and classified fact that went over an open line."""
    leaks: dict[tuple[str, str], list] = {}
    for taken, fact_id in classified_over_open_line(context):
        leaks.setdefault((taken.action.inject, fact_id), []).append(taken)
    return [Finding(
        id=f"secrecy:{inject}:{fact_id}", inject=inject, action="report", status=Status.wrong, points=0, possible=0,
        severity=Severity.critical, competency=Competency.confidentiality, rule=SECRECY_RULE, rule_title=rule_title,
        done=reports[0].done,
        evidence=tuple(Evidence(t.at, "classified_over_open_line", {"fact": fact_id, "channel": t.action.channel.value})
                       for t in reports),
    ) for (inject, fact_id), reports in leaks.items()]


def _subtotals(findings: list[Finding]) -> dict[str, Subtotal]:
    totals: dict[str, Subtotal] = {}
    for finding in findings:
        before = totals.get(finding.competency.value, Subtotal(0, 0))
        totals[finding.competency.value] = Subtotal(round(before.awarded + finding.points, 2), before.possible + finding.possible)
    return dict(sorted(totals.items()))
