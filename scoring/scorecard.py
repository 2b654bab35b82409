"""The scorecard: findings that each cite a rule, subtotals by competency, pass or fail."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from drills.scenario import ActionKind, Competency, Severity


class Status(str, Enum):
    met = "met"
    late = "late"
    missed = "missed"
    wrong = "wrong"  # done, but to the wrong person, incomplete, unsealed, altered …


class ReportingFailure(str, Enum):
    """The reporting failures the rulebook defines (report.failures)."""

    late = "late"  # 迟报
    omitted = "omitted"  # 漏报: an event or a required element left out
    false = "false"  # 谎报/虚报: untrue or unverified claims reported as fact
    concealed = "concealed"  # 瞒报: a known serious fact kept out past the limit
    erroneous = "erroneous"  # 错报: an honest error of fact


FAILURE_RULE = "report.failures"

DEFAULT_COMPETENCY = {
    ActionKind.answer: Competency.intake,
    ActionKind.greet: Competency.intake,
    ActionKind.ask: Competency.intake,
    ActionKind.log: Competency.intake,
    ActionKind.verify: Competency.verification,
    ActionKind.escalate: Competency.escalation,
    ActionKind.relay: Competency.escalation,
    ActionKind.track: Competency.escalation,
    ActionKind.feedback: Competency.escalation,
    ActionKind.report: Competency.reporting,
    ActionKind.register_document: Competency.documents,
    ActionKind.sign_for_document: Competency.documents,
    ActionKind.return_document: Competency.documents,
    ActionKind.receive_visitor: Competency.reception,
    ActionKind.refer_visitor: Competency.reception,
    ActionKind.decline: Competency.confidentiality,
    ActionKind.disclose: Competency.confidentiality,
    ActionKind.handover: Competency.handover,
}


@dataclass(frozen=True)
class Evidence:
    """One observed fact behind a finding: a drill second and a coded detail the UI words."""

    at: float | None
    what: str  # e.g. "done", "rings", "missing_elements", "wrong_person", "claim_reported"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    id: str  # the expectation id, or "<check>:<inject>" for findings outside expectations
    inject: str
    action: str
    status: Status
    points: float  # awarded
    possible: int
    severity: Severity
    competency: Competency
    rule: str
    rule_title: str
    due: float | None = None
    done: float | None = None
    failure: ReportingFailure | None = None
    evidence: tuple[Evidence, ...] = ()
    description: str = ""

    @property
    def critical_error(self) -> bool:
        return self.severity == Severity.critical and self.status in (Status.missed, Status.wrong)


@dataclass(frozen=True)
class Subtotal:
    awarded: float
    possible: int

    @property
    def percent(self) -> int:
        return round(100 * self.awarded / self.possible) if self.possible else 100


@dataclass(frozen=True)
class Scorecard:
    drill: str
    language: str
    seed: int
    engine: str
    score: int  # 0–100
    passed: bool
    pass_mark: int
    findings: tuple[Finding, ...]
    competencies: dict[str, Subtotal]
    rule_hashes: dict[str, str]  # the version of each cited rule this was scored against

    @property
    def critical_errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.critical_error]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; the same scorecard always gives the same dict."""
        return {
            "drill": self.drill, "language": self.language, "seed": self.seed, "engine": self.engine,
            "score": self.score, "passed": self.passed, "pass_mark": self.pass_mark,
            "critical_errors": [finding.id for finding in self.critical_errors],
            "competencies": {name: {"awarded": s.awarded, "possible": s.possible, "percent": s.percent}
                             for name, s in self.competencies.items()},
            "findings": [_finding_dict(finding) for finding in self.findings],
            "rule_hashes": self.rule_hashes,
        }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["status"] = finding.status.value
    data["severity"] = finding.severity.value
    data["competency"] = finding.competency.value
    data["failure"] = finding.failure.value if finding.failure else None
    data["evidence"] = [asdict(item) for item in finding.evidence]
    return data
