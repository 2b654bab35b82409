"""The audit log: one append-only line for every change a trainer makes.

Each line is written inside the transaction that makes the change, so the log and the
records never disagree; triggers refuse any update or deletion of a line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from scoring.records import canonical_json

ACTOR = "trainer"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    who: str
    what: str
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "who": self.who, "what": self.what, "details": self.details}


def record_audit(db: sqlite_utils.Database, at: str, what: str, details: dict[str, Any], who: str = ACTOR) -> None:
    """One line of the audit log; call it inside the transaction that makes the change."""
    db.execute("INSERT INTO audit_log (at, who, what, details) VALUES (?, ?, ?, ?)", [at, who, what, canonical_json(details)])


def audit_entries(db: sqlite_utils.Database, since: str | None = None) -> list[AuditEntry]:
    """The audit log, oldest first; ``since`` (a date or timestamp) keeps entries from then on."""
    rows = db.execute("SELECT id, at, who, what, details FROM audit_log WHERE ? IS NULL OR at >= ? ORDER BY at, id",
                      [since, since])
    return [AuditEntry(row[0], row[1], row[2], row[3], json.loads(row[4])) for row in rows]
