"""What the trainer sees of group drills: the open sessions, every member's live status, the group debrief.

Both read the members' journals as they stand, so they work while the drill runs.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import sqlite_utils

from drills.engine import JournalEntry
from drills.policy import Policy
from drills.session import replay
from scoring.groups import GroupSession, drill_seconds_at, session_by_id, session_drill_file
from scoring.score import score_attempt


def _members(db: sqlite_utils.Database, session_id: int) -> list[tuple]:
    return db.execute(
        "SELECT t.name, a.id, a.run_id, a.status, a.policy_hash, a.score, a.passed, a.scorecard FROM group_members m"
        " JOIN trainees t ON t.id = m.trainee_id JOIN attempts a ON a.id = m.attempt_id"
        " WHERE m.session_id = ? ORDER BY t.name", [session_id]).fetchall()


def _entries(db: sqlite_utils.Database, run_id: int) -> list[JournalEntry]:
    rows = db.execute("SELECT seq, drill_seconds, kind, data FROM journal WHERE run_id = ? ORDER BY seq", [run_id])
    return [JournalEntry(seq, at, kind, json.loads(data)) for seq, at, kind, data in rows]


def _policy(db: sqlite_utils.Database, fingerprint: str, cache: dict[str, Policy]) -> Policy:
    if fingerprint not in cache:
        row = db.execute("SELECT policy FROM policy_versions WHERE hash = ?", [fingerprint]).fetchone()
        cache[fingerprint] = Policy.model_validate(json.loads(row[0]))
    return cache[fingerprint]


def _timeline(entries) -> list[dict[str, Any]]:
    return [{"at": entry.at, "action": entry.data["action"]["kind"], "inject": entry.data["action"]["inject"]}
            for entry in entries if entry.kind == "action"]


def open_sessions(db: sqlite_utils.Database) -> list[GroupSession]:
    """The sessions a trainer can still run (waiting, running or paused), newest first."""
    rows = db.execute("SELECT * FROM group_sessions WHERE state != 'closed' ORDER BY id DESC").fetchall()
    return [GroupSession(*row) for row in rows]


def session_of_attempt(db: sqlite_utils.Database, attempt_id: int) -> GroupSession | None:
    """The group session an attempt was sat in, or None for a drill sat alone."""
    row = db.execute("SELECT session_id FROM group_members WHERE attempt_id = ?", [attempt_id]).fetchone()
    return session_by_id(db, row[0]) if row else None


def session_summary(session: GroupSession, wall_time: float | None = None) -> dict[str, Any]:
    summary = {"id": session.id, "code": session.code, "drill": session.drill, "language": session.language,
               "seed": session.seed, "mode": session.mode, "speed": session.speed, "state": session.state}
    if wall_time is not None:
        summary["drill_seconds"] = drill_seconds_at(session, wall_time)
    return summary


def group_status(db: sqlite_utils.Database, session_id: int, wall_time: float,
                 seen: dict[int, tuple[tuple, dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Every member as their journal stands: drill clock, last action, open deadlines, score so far.

    A console asks every few seconds: pass the same ``seen`` dict each time and a member whose
    journal has not grown since is not replayed and scored again (a full room costs ~150 ms of
    CPU per look otherwise, taken from the trainees' own processes on the same machine).
    """
    session = session_by_id(db, session_id)
    drill_file = session_drill_file(db, session)
    policies: dict[str, Policy] = {}
    seen = {} if seen is None else seen
    members = []
    for name, attempt_id, run_id, status, fingerprint, *_ in _members(db, session_id):
        journal_mark = (name, status, db.execute("SELECT coalesce(max(seq), 0) FROM journal WHERE run_id = ?", [run_id]).fetchone()[0])
        if attempt_id in seen and seen[attempt_id][0] == journal_mark:
            members.append(seen[attempt_id][1])
            continue
        entries = _entries(db, run_id)
        drill = replay(drill_file, _policy(db, fingerprint, policies), session.seed, entries)
        card = score_attempt(drill_file.scenario, session.seed, drill.journal, _policy(db, fingerprint, policies))
        actions = _timeline(entries)
        member = {
            "trainee": name, "attempt": attempt_id, "status": status, "drill_seconds": drill.now,
            "last_action": actions[-1] if actions else None, "score": card.score,
            "pending": [{"expectation": expectation.id, "inject": expectation.inject, "action": expectation.action.value,
                         "due": due} for expectation, due in drill.open_deadlines()],
        }
        seen[attempt_id] = (journal_mark, member)
        members.append(member)
    return {"session": session_summary(session, wall_time), "members": members}


def group_debrief(db: sqlite_utils.Database, session_id: int, rule_title: Callable[[str], str] = lambda rule: "",
                  top: int = 10) -> dict[str, Any]:
    """For each expectation how many met it, were late, missed it or were wrong; the commonest
    mistakes with their rules; each trainee's score, timeline and steps (each expectation's
    status and when it was done), to set side by side. Attempts still running are scored on
    their journal so far."""
    session = session_by_id(db, session_id)
    drill_file = session_drill_file(db, session)
    policies: dict[str, Policy] = {}
    counts = {e.id: {"expectation": e.id, "inject": e.inject, "action": e.action.value, "rule": e.rule,
                     "met": 0, "late": 0, "missed": 0, "wrong": 0} for e in drill_file.scenario.expectations}
    mistakes: dict[tuple[str, str, str], int] = {}
    trainees = []
    for name, attempt_id, run_id, status, fingerprint, score, passed, stored in _members(db, session_id):
        entries = _entries(db, run_id)
        card = json.loads(stored) if stored else score_attempt(
            drill_file.scenario, session.seed, entries, _policy(db, fingerprint, policies)).as_dict()
        for finding in card["findings"]:
            if finding["id"] in counts:
                counts[finding["id"]][finding["status"]] += 1
            if finding["status"] != "met":
                key = (finding["id"], finding["status"], finding["rule"])
                mistakes[key] = mistakes.get(key, 0) + 1
        steps = {finding["id"]: {"status": finding["status"], "done": finding["done"]}
                 for finding in card["findings"] if finding["id"] in counts}
        trainees.append({"trainee": name, "attempt": attempt_id, "status": status, "score": card["score"],
                         "passed": card["passed"], "timeline": _timeline(entries), "steps": steps})
    commonest = sorted(mistakes.items(), key=lambda item: (-item[1], item[0]))[:top]
    return {
        "session": session_summary(session),
        "expectations": [row for row in counts.values() if row["met"] + row["late"] + row["missed"] + row["wrong"]],
        "mistakes": [{"finding": finding, "status": status, "rule": rule, "rule_title": rule_title(rule), "count": count}
                     for (finding, status, rule), count in commonest],
        "trainees": trainees,
    }
