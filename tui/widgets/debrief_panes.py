"""The debrief's text panes: the verdict, competency subtotals, the selected finding with
its evidence, and the comparison with the previous attempt.

Each returns Textual ``Content`` built from plain strings and theme styles, so text
from a drill file or typed by the trainee is never read as markup.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content

from tui.safe_text import strip_controls
from tui.widgets.debrief_attempt import AttemptView
from tui.widgets.debrief_evidence import describe_evidence

STATUS_STYLE = {"met": "$text-success", "late": "$text-warning", "missed": "$text-error", "wrong": "$text-error"}


def when(stamp: str | None) -> str:
    """An ISO timestamp as ``2026-11-27 10:00``."""
    return (stamp or "").replace("T", " ")[:16]


def percent_style(percent: int) -> str:
    return "$text-success" if percent >= 80 else "$text-warning" if percent >= 60 else "$text-error"


def _safe(value: Any) -> str:
    return strip_controls(str(value))


def verdict(view: AttemptView) -> Content:
    """Drill, trainee, mode and date; the score and pass or fail; any critical error named."""
    words, attempt, card = view.words, view.attempt, view.scorecard
    who = view.trainee.name if view.trainee else ""
    header = [(_safe(view.scenario.title), "bold")]
    for part in (who, words.t(f"debrief.mode.{attempt.mode}"), when(attempt.started)):
        if part:
            header += [" · ", _safe(part)]
    if not card:
        return Content.assemble(*header, "\n", (words.t("debrief.not_scored", status=words.t(f"debrief.state.{attempt.status}")), "$text-warning"))
    passed = card.get("passed", False)
    lines: list[Any] = [*header, "\n", words.t("debrief.score_label"), (f" {card['score']} ", "bold reverse"),
                        " ", words.t("debrief.pass_mark", pass_mark=card.get("pass_mark", "")), "   ",
                        (words.t("debrief.passed" if passed else "debrief.failed"), "bold $text-success" if passed else "bold $text-error")]
    if attempt.status != "finished":
        lines += ["  ", (words.t(f"debrief.state.{attempt.status}"), "$text-warning")]
    critical = [f for f in (view.finding(fid) for fid in card.get("critical_errors", [])) if f is not None]
    if critical:
        named = words.t("debrief.critical_separator").join(_safe(view.labels.get(f["id"], f["id"])) for f in critical)
        lines += ["\n", (words.t("debrief.critical", findings=named), "bold $text-error")]
    if not passed and not critical:
        lines += ["  ", (words.t("debrief.below_pass_mark", pass_mark=card.get("pass_mark", "")), "$text-error")]
    return Content.assemble(*lines)


def competencies(view: AttemptView) -> Content:
    """``接报登记 15%`` for every competency the drill exercised."""
    words = view.words
    parts: list[Any] = [(words.t("debrief.competencies"), "bold")]
    for name, subtotal in view.scorecard.get("competencies", {}).items():
        parts += ["  ", words.t(f"competency.{name}") + " ",
                  (f"{subtotal['percent']}%", f"bold {percent_style(subtotal['percent'])}")]
    return Content.assemble(*parts)


def finding_detail(view: AttemptView, finding: dict[str, Any] | None) -> Content:
    """The selected finding: result, times, rule, the item it belongs to, and its evidence."""
    words = view.words
    if finding is None:
        return Content(words.t("debrief.no_findings"))
    status = finding["status"]
    arrivals = view.arrivals()
    item = words.inject_summary(finding.get("inject", ""))
    if finding.get("inject") in arrivals:
        item = f"{words.clock(arrivals[finding['inject']])} {item}"
    parts: list[Any] = [(_safe(view.labels.get(finding["id"], finding["id"])), "bold"), ("  " + finding["id"], "$text-muted"), "\n",
                        words.t("debrief.detail.result"), (words.t(f"status.{status}"), f"bold {STATUS_STYLE[status]}")]
    if finding.get("failure"):
        parts += [words.t("debrief.paren.open"), (words.t(f"failure.{finding['failure']}"), "bold $text-error"),
                  words.t("debrief.paren.close")]
    parts += ["  ", words.t("debrief.detail.points", points=f"{finding['points']:g}", possible=finding["possible"]),
              "  ", words.t("debrief.detail.severity", severity=words.t(f"debrief.severity.{finding['severity']}")),
              "  ", words.t("debrief.detail.competency", competency=words.t(f"competency.{finding['competency']}")), "\n",
              words.t("debrief.detail.times", due=words.clock(finding.get("due")), done=words.clock(finding.get("done"))), "\n",
              words.t("debrief.detail.rule"), (_safe(f"{finding['rule']} {finding.get('rule_title', '')}".strip()), "$text-accent"),
              ("  " + words.t("debrief.detail.open_rule"), "$text-muted"), "\n",
              words.t("debrief.detail.item"), _safe(item)]
    if finding["severity"] == "critical" and status in ("missed", "wrong"):
        parts += ["\n", (words.t("debrief.detail.critical"), "bold $text-error")]
    parts += ["\n", (words.t("debrief.evidence"), "bold")]
    evidence = finding.get("evidence") or []
    if not evidence:
        parts += ["\n  ", (words.t("debrief.evidence.none"), "$text-muted")]
    for item_ in evidence:
        parts += ["\n  ", (words.clock(item_.get("at")), "$text-muted"), "  ", _safe(describe_evidence(item_, words))]
    return Content.assemble(*parts)


def comparison(view: AttemptView) -> Content:
    """The previous attempt's score and how many findings got better or worse."""
    words, previous = view.words, view.previous
    parts: list[Any] = [(words.t("debrief.previous.heading"), "bold"), "\n"]
    if previous is None or not previous.scorecard:
        return Content.assemble(*parts, (words.t("debrief.previous.first"), "$text-muted"))
    before, now = previous.scorecard, view.scorecard
    verdict_word = words.t("debrief.passed" if before.get("passed") else "debrief.failed")
    parts.append(words.t("debrief.previous.summary", date=when(previous.started), mode=words.t(f"debrief.mode.{previous.mode}"),
                         score=before.get("score", 0), verdict=verdict_word))
    if now:
        change = now.get("score", 0) - before.get("score", 0)
        key = "debrief.previous.up" if change > 0 else "debrief.previous.down" if change < 0 else "debrief.previous.same"
        style = "$text-success" if change > 0 else "$text-error" if change < 0 else ""
        parts += ["\n", (words.t(key, points=abs(change)), f"bold {style}".strip())]
    earlier = view.previous_findings()
    better = worse = 0
    for finding in view.findings:
        old = earlier.get(finding["id"])
        if old is None or not finding["possible"]:
            continue
        share, old_share = finding["points"] / finding["possible"], old["points"] / max(old["possible"], 1)
        better += share > old_share
        worse += share < old_share
    parts += ["\n", words.t("debrief.previous.findings", better=better, worse=worse)]
    return Content.assemble(*parts)
