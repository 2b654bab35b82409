"""The trainer role's tables: the passphrase, trainee PINs, manual clearances, the audit
log, and on each attempt how it was attested, its soft deletion and a score override."""

from __future__ import annotations

import sqlite_utils

from drills.database import Migration


def _create_trainer_tables(db: sqlite_utils.Database) -> None:
    # On the attempt: how an exam was attested, when a trainer deleted it (soft), and the
    # trainer's override of its score; the scorecard itself is never touched.
    db.execute("ALTER TABLE attempts ADD COLUMN attested_by TEXT"
               " CHECK (attested_by IS NULL OR attested_by = 'pin' OR attested_by GLOB 'group:?*')")
    db.execute("ALTER TABLE attempts ADD COLUMN deleted TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN override_score INTEGER CHECK (override_score BETWEEN 0 AND 100)")
    db.execute("ALTER TABLE attempts ADD COLUMN override_passed INTEGER")
    # Partial indexes holding exactly the exams that count: the readiness board reads them
    # (INDEXED BY), so its queries must repeat this WHERE clause word for word.
    counted = "WHERE mode = 'exam' AND status = 'finished' AND attested_by IS NOT NULL AND deleted IS NULL"
    db.execute(f"CREATE INDEX counted_exams_for_board ON attempts"
               f" (drill, trainee_id, ended, score, passed, override_score, override_passed) {counted}")
    db.execute(f"CREATE INDEX counted_exams_by_trainee ON attempts (trainee_id, ended, critical_errors, override_passed) {counted}")
    db.execute("CREATE INDEX unattested_exams ON attempts (trainee_id)"
               " WHERE mode = 'exam' AND status = 'finished' AND attested_by IS NULL AND deleted IS NULL")
    # Subtotals with their attempt, to keep only those of counted exams; replaces the old board indexes.
    db.execute("CREATE INDEX counted_competencies ON competency_results (mode, competency, trainee_id, percent, ended, attempt_id)")
    db.execute("DROP INDEX attempts_for_board")
    db.execute("DROP INDEX competencies_for_board")
    db.execute("""
        CREATE TABLE trainer_passphrase (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            salt BLOB NOT NULL, hash BLOB NOT NULL, parameters TEXT NOT NULL, set_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE trainee_pins (
            trainee_id INTEGER PRIMARY KEY REFERENCES trainees(id),
            salt BLOB NOT NULL, hash BLOB NOT NULL, parameters TEXT NOT NULL, set_at TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("""
        CREATE TABLE manual_clearances (
            id INTEGER PRIMARY KEY,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            granted TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            reason TEXT NOT NULL,
            revoked TEXT
        )""")
    db.execute("CREATE INDEX manual_clearances_by_trainee ON manual_clearances (trainee_id, revoked, valid_from, valid_until)")
    db.execute("""
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            what TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}'
        )""")
    db.execute("CREATE INDEX audit_log_by_time ON audit_log (at, id)")
    for event in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log"
                   " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


TRAINER_MIGRATIONS = [Migration("trainers-0001-passphrase-pins-attestation-audit", _create_trainer_tables)]
