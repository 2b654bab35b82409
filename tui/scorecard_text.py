"""A scorecard as a plain-text table for the terminal (the app has its own screen)."""

from __future__ import annotations

from drills.scenario import Scenario
from drills.timing import clock_text
from scoring.scorecard import Scorecard
from tui.i18n import text
from tui.text_table import aligned, pad


def scorecard_table(scorecard: Scorecard, scenario: Scenario, language: str) -> str:
    """Findings one per line (status, points, when, rule), then the total and competencies."""
    rows = [[text(language, "score.columns.finding"), text(language, "score.columns.status"),
             text(language, "score.columns.points"), text(language, "score.columns.due"),
             text(language, "score.columns.rule")]]
    for finding in scorecard.findings:
        status = text(language, f"status.{finding.status.value}")
        if finding.failure:
            status += f" ({text(language, f'failure.{finding.failure.value}')})"
        due = clock_text(scenario, finding.due) if finding.due is not None else "—"
        rule = f"{finding.rule} {finding.rule_title}".strip()
        rows.append([finding.id, status, f"{finding.points:g}/{finding.possible}", due, rule])
    lines = aligned(rows).split("\n")
    verdict = text(language, "score.passed" if scorecard.passed else "score.failed")
    lines += ["", text(language, "score.total", score=scorecard.score, pass_mark=scorecard.pass_mark, verdict=verdict)]
    for finding in scorecard.critical_errors:
        lines.append(text(language, "score.critical", finding=finding.id, rule=finding.rule))
    for name, subtotal in scorecard.competencies.items():
        lines.append(f"  {pad(text(language, f'competency.{name}'), 12)} {subtotal.percent:>3}%  ({subtotal.awarded:g}/{subtotal.possible})")
    return "\n".join(lines)
