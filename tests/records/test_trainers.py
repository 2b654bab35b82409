"""The trainer role: passphrase and PINs as salted scrypt hashes, attested exams, overrides,
deletions and clearance by hand as readiness sees them, and the audit log."""

from __future__ import annotations

import datetime
import hmac
import json
import sqlite3
import unicodedata

import pytest

from scoring import credentials, trainers
from scoring.readiness import ReadinessPolicy, readiness_board
from scoring.records import RecordsError
from scoring.attestation import attempt_standing, attest_attempt, exam_counts, sit_exam_with_pin
from scoring.audit import audit_entries
from scoring.credentials import SCRYPT_PARAMETERS, hash_secret, verify_pin, verify_secret
from scoring.trainers import Trainer, passphrase_is_set
from tests.records.conftest import sit

PASSPHRASE = "值班室-教员-2026"
POLICY = ReadinessPolicy(minimum_score=80, critical_free_exams=3, valid_days=90)
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """Cheap scrypt parameters for speed; they are stored with each hash, so verifying still works."""
    monkeypatch.setattr(credentials, "SCRYPT_PARAMETERS", {"n": 2**10, "r": 8, "p": 1, "dklen": 32})


@pytest.fixture
def trainer(records, clock) -> Trainer:
    clock.now = "2026-05-20T10:00:00"
    return Trainer.set_first_passphrase(records, PASSPHRASE)


@pytest.fixture
def trainee(trainer):
    return trainer.add_trainee("张伟", unit="县委办", cohort="2026春")


def board(records, today=TODAY, policy=POLICY):
    return {entry.name: entry for entry in readiness_board(records.db, policy, today)}


def what(records) -> list[str]:
    return [entry.what for entry in audit_entries(records.db)]


# Hashing

def test_a_hash_is_salted_scrypt_and_never_the_secret():
    first, second = hash_secret(PASSPHRASE), hash_secret(PASSPHRASE)
    assert first.salt != second.salt and first.digest != second.digest  # the same passphrase, two salts
    assert PASSPHRASE.encode() not in first.digest and first.digest != PASSPHRASE.encode()
    assert len(first.salt) == 16 and len(first.digest) == 32
    assert verify_secret(PASSPHRASE, first) and verify_secret(PASSPHRASE, second)
    assert not verify_secret(PASSPHRASE + "x", first)
    # The stored parameters are what verification uses: a later change of defaults breaks nothing.
    assert first.digest == __import__("hashlib").scrypt(PASSPHRASE.encode(), salt=first.salt, n=2**10, r=8, p=1, dklen=32)


def test_the_shipped_parameters_hash_and_verify(monkeypatch):
    monkeypatch.undo()
    assert SCRYPT_PARAMETERS["n"] >= 2**15 and SCRYPT_PARAMETERS["r"] >= 8
    stored = hash_secret("一二三四五六七八")
    assert stored.parameters == SCRYPT_PARAMETERS and verify_secret("一二三四五六七八", stored)


def test_verification_compares_in_constant_time(monkeypatch):
    stored = hash_secret(PASSPHRASE)
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(credentials.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert not verify_secret("wrong one", stored)
    assert calls and calls[0][1] == stored.digest


def test_the_same_passphrase_typed_composed_or_decomposed_is_the_same():
    stored = hash_secret("café-passphrase")
    assert verify_secret(unicodedata.normalize("NFD", "café-passphrase"), stored)


def test_a_tampered_parameter_is_refused_not_obeyed():
    stored = hash_secret(PASSPHRASE)
    tampered = credentials.SecretHash(stored.salt, stored.digest, {**stored.parameters, "n": 2**30})
    with pytest.raises(RecordsError) as raised:
        verify_secret(PASSPHRASE, tampered)
    assert raised.value.code == "credential_damaged"


# The passphrase

def test_the_database_holds_only_salt_hash_and_parameters(records, trainer, database):
    row = records.db.execute("SELECT * FROM trainer_passphrase").fetchone()
    columns = [column[1] for column in records.db.execute("PRAGMA table_info(trainer_passphrase)")]
    assert columns == ["id", "salt", "hash", "parameters", "set_at"]
    assert PASSPHRASE.encode() not in bytes(row[2]) and PASSPHRASE not in row[3]
    records.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    for path in database.parent.glob(database.name + "*"):  # the file and its WAL
        assert PASSPHRASE.encode("utf-8") not in path.read_bytes()


def test_a_wrong_passphrase_is_refused(records, trainer):
    with pytest.raises(RecordsError) as raised:
        Trainer.sign_in(records, "值班室-教员-2025")
    assert raised.value.code == "wrong_passphrase"
    assert isinstance(Trainer.sign_in(records, PASSPHRASE), Trainer)


def test_no_trainer_without_the_passphrase(records):
    assert not passphrase_is_set(records.db)
    with pytest.raises(RecordsError) as raised:
        Trainer.sign_in(records, PASSPHRASE)
    assert raised.value.code == "no_passphrase"
    with pytest.raises(TypeError):
        Trainer(records, object())


def test_the_first_passphrase_has_a_minimum_length_and_is_set_once(records):
    with pytest.raises(RecordsError) as raised:
        Trainer.set_first_passphrase(records, "short")
    assert raised.value.code == "passphrase_too_short" and not passphrase_is_set(records.db)
    Trainer.set_first_passphrase(records, PASSPHRASE)
    with pytest.raises(RecordsError) as raised:
        Trainer.set_first_passphrase(records, "someone-else-first")
    assert raised.value.code == "passphrase_already_set"
    Trainer.sign_in(records, PASSPHRASE)


def test_changing_the_passphrase(records, trainer):
    trainer.change_passphrase("新的口令-new-one")
    with pytest.raises(RecordsError):
        Trainer.sign_in(records, PASSPHRASE)
    Trainer.sign_in(records, "新的口令-new-one")
    assert what(records) == ["passphrase_set", "passphrase_changed"]
    assert all(PASSPHRASE not in str(entry.details) for entry in audit_entries(records.db))


# Trainees and cohorts

def test_add_edit_archive_with_the_audit_log(records, clock, trainer, trainee):
    edited = trainer.edit_trainee("张伟", new_name="张伟明", unit="市委办", cohort="2026秋")
    assert (edited.name, edited.unit, edited.cohort) == ("张伟明", "市委办", "2026秋")
    assert trainer.edit_trainee("张伟明", cohort="").cohort is None
    trainer.add_trainee("李娜")
    with pytest.raises(RecordsError, match="trainee_exists"):
        trainer.edit_trainee("李娜", new_name="张伟明")
    with pytest.raises(RecordsError, match="nothing_to_change"):
        trainer.edit_trainee("李娜", unit="")
    trainer.set_archived("李娜", True)
    with pytest.raises(RecordsError, match="already_archived"):
        trainer.set_archived("李娜", True)
    trainer.set_archived("李娜", False)
    assert what(records) == ["passphrase_set", "trainee_added", "trainee_edited", "trainee_edited", "trainee_added",
                             "trainee_archived", "trainee_restored"]
    first_edit = audit_entries(records.db)[2]
    assert first_edit.who == "trainer" and first_edit.at == clock.now
    assert first_edit.details == {"trainee": "张伟", "changes": {"name": ["张伟", "张伟明"], "unit": ["县委办", "市委办"],
                                                               "cohort": ["2026春", "2026秋"]}}


def test_the_audit_log_is_append_only(records, trainer, trainee):
    for statement in ("UPDATE audit_log SET what = 'nothing'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            records.db.execute(statement)
    assert what(records) == ["passphrase_set", "trainee_added"]


def test_audit_since(records, clock, trainer, trainee):
    clock.now = "2026-05-25T09:00:00"
    trainer.set_archived("张伟", True)
    assert [entry.what for entry in audit_entries(records.db, "2026-05-21")] == ["trainee_archived"]
    assert len(audit_entries(records.db)) == 3


# PINs and attested exams

def test_a_pin_is_hashed_and_checked(records, trainer, trainee):
    trainer.set_pin("张伟", "204871")
    row = records.db.execute("SELECT salt, hash FROM trainee_pins").fetchone()
    assert b"204871" not in bytes(row[1])
    verify_pin(records.db, trainee, "204871")
    with pytest.raises(RecordsError) as raised:
        verify_pin(records.db, trainee, "204872")
    assert raised.value.code == "pin_wrong"
    for bad in ("123", "12345678901234", "12a4", ""):
        with pytest.raises(RecordsError, match="pin_invalid"):
            trainer.set_pin("张伟", bad)
    assert what(records)[-1] == "pin_set"
    assert all("204871" not in str(entry.details) for entry in audit_entries(records.db))


def test_two_pins_alike_have_different_salts(records, trainer, trainee):
    trainer.add_trainee("李娜")
    trainer.set_pin("张伟", "1234")
    trainer.set_pin("李娜", "1234")
    (salt_a, hash_a), (salt_b, hash_b) = records.db.execute("SELECT salt, hash FROM trainee_pins").fetchall()
    assert salt_a != salt_b and hash_a != hash_b


def test_a_pin_locks_after_repeated_wrong_tries(records, trainer, trainee):
    trainer.set_pin("张伟", "5555")
    for _ in range(credentials.PIN_MAX_FAILURES):
        with pytest.raises(RecordsError, match="pin_wrong"):
            verify_pin(records.db, trainee, "0000")
    with pytest.raises(RecordsError) as raised:
        verify_pin(records.db, trainee, "5555")  # even the right one, now
    assert raised.value.code == "pin_locked"
    trainer.set_pin("张伟", "6666")
    verify_pin(records.db, trainee, "6666")
    trainer.remove_pin("张伟")
    with pytest.raises(RecordsError, match="no_pin"):
        verify_pin(records.db, trainee, "6666")


def test_an_exam_under_the_pin_is_attested_and_a_wrong_pin_starts_nothing(records, trainer, trainee, drill_file, policy):
    trainer.set_pin("张伟", "2468")
    with pytest.raises(RecordsError, match="pin_wrong"):
        sit_exam_with_pin(records, trainee, "1357", drill_file, policy, seed=3)
    assert records.attempts_of(trainee) == []
    sitting = sit_exam_with_pin(records, trainee, "2468", drill_file, policy, seed=3)
    standing = attempt_standing(records.db, sitting.attempt_id)
    assert standing.attested_by == "pin" and standing.mode == "exam" and not exam_counts(standing)  # still running
    sitting.finish()
    assert exam_counts(attempt_standing(records.db, sitting.attempt_id))


def test_exam_counts_only_attested_finished_undeleted_exams(records, clock, trainer, trainee, drill_file, policy):
    counted = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90)
    unattested = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90, attested_by=None)
    group = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90, attested_by="group:7")
    practice = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90, mode="practice")
    cut_short = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90, status="interrupted")
    counts = {attempt: exam_counts(attempt_standing(records.db, attempt)) for attempt in (counted, unattested, group, practice, cut_short)}
    assert counts == {counted: True, unattested: False, group: True, practice: False, cut_short: False}
    trainer.delete_attempt(counted, "sat by a colleague")
    assert not exam_counts(attempt_standing(records.db, counted))
    with pytest.raises(RecordsError, match="already_attested"):
        attest_attempt(records.db, group, "pin")
    with pytest.raises(ValueError):
        attest_attempt(records.db, unattested, "trainee said so")


def test_readiness_counts_only_attested_exams(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=95, attested_by=None)
    sit(records, clock, trainee, drill_file, policy, day="2026-05-22", score=95, attested_by=None)
    entry = board(records)["张伟"]
    assert entry.status == "not_yet" and entry.last_exam is None
    assert [(reason.code, reason.details) for reason in entry.reasons] == [("exams_unattested", {"count": 2})]
    sit(records, clock, trainee, drill_file, policy, day="2026-05-23", score=95, attested_by="group:study-day-3")
    assert board(records)["张伟"].status == "cleared" and board(records)["张伟"].last_exam == "2026-05-23"


def test_an_unattested_exam_with_a_critical_error_does_not_block_either(records, clock, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90)
    sit(records, clock, trainee, drill_file, policy, day="2026-05-22", score=40, critical=1, attested_by=None)
    assert board(records)["张伟"].status == "cleared"


# Overrides, deletions, clearance by hand

def test_an_override_keeps_the_scorecard_and_readiness_uses_it(records, clock, trainer, trainee, drill_file, policy):
    attempt = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=72)
    card_before = records.require_attempt(attempt).scorecard
    assert board(records)["张伟"].status == "not_yet"
    clock.now = "2026-05-22T10:00:00"
    standing = trainer.override_score(attempt, 85, reason="计时器故障，补录后复核")
    assert (standing.override_score, standing.override_passed, standing.score, standing.passed) == (85, True, 72, False)
    assert records.require_attempt(attempt).scorecard == card_before and records.require_attempt(attempt).score == 72
    assert board(records)["张伟"].status == "cleared"
    entry = audit_entries(records.db)[-1]
    assert (entry.what, entry.at, entry.who) == ("score_overridden", "2026-05-22T10:00:00", "trainer")
    assert entry.details == {"attempt": attempt, "trainee": "张伟", "drill": "test-drill", "scored": {"score": 72, "passed": False},
                             "previous_override": None, "score": 85, "passed": True, "reason": "计时器故障，补录后复核"}
    # Overridden to a fail: the clearance goes; removing the override brings the scorecard back.
    trainer.override_score(attempt, 90, reason="违反保密规定，判不合格", passed=False)
    assert board(records)["张伟"].status == "not_yet"
    assert audit_entries(records.db)[-1].details["previous_override"] == {"score": 85, "passed": True}
    trainer.remove_override(attempt, reason="复核后恢复原评分")
    assert board(records)["张伟"].status == "not_yet" and attempt_standing(records.db, attempt).override_score is None
    assert what(records)[-3:] == ["score_overridden", "score_overridden", "override_removed"]


def test_an_override_needs_a_reason_a_valid_score_and_a_finished_attempt(records, clock, trainer, trainee, drill_file, policy):
    attempt = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=72)
    cut_short = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=72, status="interrupted")
    for args, code in [((attempt, 85, "  "), "reason_required"), ((attempt, 101, "typo"), "score_out_of_range"),
                       ((cut_short, 85, "typo"), "attempt_not_finished"), ((999, 85, "typo"), "unknown_attempt")]:
        with pytest.raises(RecordsError) as raised:
            trainer.override_score(*args)
        assert raised.value.code == code
    assert attempt_standing(records.db, attempt).override_score is None
    assert "score_overridden" not in what(records)


def test_a_pass_by_override_waives_a_critical_error_a_default_one_does_not(records, clock, trainer, trainee, drill_file, policy):
    faulty = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=90, critical=1)
    entry = board(records)["张伟"]
    assert {reason.code for reason in entry.reasons} == {"critical_error", "drill_not_passed"}
    assert trainer.override_score(faulty, 92, reason="复核").override_passed is False  # a critical error still fails it
    assert board(records)["张伟"].status == "not_yet"
    trainer.override_score(faulty, 92, reason="严重错误系脚本缺陷所致，经复核判合格", passed=True)
    assert board(records)["张伟"].status == "cleared"


def test_a_deleted_attempt_no_longer_counts_and_can_be_restored(records, clock, trainer, trainee, drill_file, policy):
    attempt = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=95)
    assert board(records)["张伟"].status == "cleared"
    trainer.delete_attempt(attempt, reason="代考")
    assert board(records)["张伟"].status == "not_yet" and board(records)["张伟"].last_exam is None
    assert records.require_attempt(attempt).scorecard is not None  # kept on file
    with pytest.raises(RecordsError, match="attempt_deleted"):
        trainer.delete_attempt(attempt, reason="again")
    with pytest.raises(RecordsError, match="attempt_deleted"):
        trainer.override_score(attempt, 99, reason="no")
    trainer.restore_attempt(attempt, reason="核实为本人")
    assert board(records)["张伟"].status == "cleared"
    deleted, restored = audit_entries(records.db)[-2:]
    assert (deleted.what, deleted.details["reason"], deleted.details["score"]) == ("attempt_deleted", "代考", 95)
    assert (restored.what, restored.details["reason"]) == ("attempt_restored", "核实为本人")


def test_a_deleted_exam_with_a_critical_error_no_longer_blocks(records, clock, trainer, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-05-20", score=90)
    faulty = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=50, critical=1)
    assert board(records)["张伟"].status == "not_yet"
    trainer.delete_attempt(faulty, reason="sat under the wrong name")
    assert board(records)["张伟"].status == "cleared"


def test_clearance_by_hand_clears_until_its_date(records, clock, trainer, trainee):
    clock.now = "2026-05-25T10:00:00"
    trainer.clear_by_hand("张伟", datetime.date(2026, 6, 30), reason="已在市委办值班三年，经考察合格")
    entry = board(records)["张伟"]
    assert (entry.status, entry.valid_until, entry.reasons) == ("cleared", datetime.date(2026, 6, 30), ())
    assert entry.as_dict()["cleared_by_hand"] == {"valid_from": "2026-05-25", "valid_until": "2026-06-30",
                                                  "reason": "已在市委办值班三年，经考察合格"}
    assert board(records, today=datetime.date(2026, 5, 24))["张伟"].status == "not_yet"  # not before it was given
    assert board(records, today=datetime.date(2026, 6, 30))["张伟"].status == "cleared"
    lapsed = board(records, today=datetime.date(2026, 7, 1))["张伟"]
    assert lapsed.status == "not_yet" and [reason.code for reason in lapsed.reasons] == ["no_exam", "clearance_expired"]
    assert audit_entries(records.db)[-1].details == {"trainee": "张伟", "valid_from": "2026-05-25", "valid_until": "2026-06-30",
                                                     "reason": "已在市委办值班三年，经考察合格"}


def test_a_lapsed_clearance_by_hand_after_an_expired_pass_is_expired(records, clock, trainer, trainee, drill_file, policy):
    sit(records, clock, trainee, drill_file, policy, day="2026-01-10", score=90)  # valid until 2026-04-10
    clock.now = "2026-04-01T10:00:00"
    trainer.clear_by_hand("张伟", datetime.date(2026, 5, 15), reason="renewal exam postponed by the flood season")
    entry = board(records)
    assert entry["张伟"].status == "expired" and entry["张伟"].valid_until == datetime.date(2026, 5, 15)
    assert [reason.code for reason in entry["张伟"].reasons] == ["drill_expired", "clearance_expired"]


def test_clearance_by_hand_is_refused_in_the_past_or_for_the_archived_and_can_be_revoked(records, clock, trainer, trainee):
    clock.now = "2026-05-25T10:00:00"
    with pytest.raises(RecordsError, match="clearance_in_past"):
        trainer.clear_by_hand("张伟", datetime.date(2026, 5, 24), reason="x")
    with pytest.raises(RecordsError, match="no_clearance"):
        trainer.revoke_clearance("张伟", reason="x")
    trainer.clear_by_hand("张伟", datetime.date(2026, 12, 31), reason="考察合格")
    trainer.revoke_clearance("张伟", reason="调离值班岗位")
    assert board(records)["张伟"].status == "not_yet"
    trainer.set_archived("张伟", True)
    with pytest.raises(RecordsError, match="trainee_archived"):
        trainer.clear_by_hand("张伟", datetime.date(2026, 12, 31), reason="x")
    assert what(records)[-3:] == ["cleared_by_hand", "clearance_revoked", "trainee_archived"]


def test_a_failed_change_leaves_no_audit_entry(records, trainer, trainee, monkeypatch):
    before = what(records)
    monkeypatch.setattr(trainers, "record_audit", lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        trainer.edit_trainee("张伟", unit="市委办")
    assert records.require_trainee("张伟").unit == "县委办" and what(records) == before  # one transaction


# The commands

@pytest.fixture
def invoke(database, monkeypatch):
    from click.testing import CliRunner

    from tui.cli import main

    monkeypatch.delenv("DUTYDRILL_TRAINER_PASSPHRASE", raising=False)
    monkeypatch.delenv("DUTYDRILL_TRAINER_PASSPHRASE_FILE", raising=False)

    def run(*args: str, lang: str = "en", input: str | None = None):
        return CliRunner().invoke(main, ["--lang", lang, "--db", str(database), *args], input=input, catch_exceptions=False)
    return run


def typed(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def test_first_use_sets_the_passphrase_asked_twice(invoke, records):
    too_short = invoke("trainer", "add", "张伟", input=typed("short"))
    assert too_short.exit_code == 1 and "at least 8 characters" in too_short.output
    differ = invoke("trainer", "add", "张伟", input=typed(PASSPHRASE, PASSPHRASE + "!"))
    assert differ.exit_code == 1 and "The two entries differ" in differ.output
    assert not passphrase_is_set(records.db) and records.trainee("张伟") is None
    done = invoke("trainer", "add", "张伟", "--unit", "县委办", input=typed(PASSPHRASE, PASSPHRASE))
    assert done.exit_code == 0 and "Trainer passphrase set." in done.output and "Added trainee 张伟." in done.output
    assert PASSPHRASE not in done.output  # hidden input
    Trainer.sign_in(records, PASSPHRASE)


def test_trainer_commands_refuse_a_wrong_passphrase(invoke, records, trainer):
    result = invoke("trainer", "add", "李娜", input=typed("值班室-教员-2025"), lang="zh")
    assert result.exit_code == 1 and "教员口令不正确" in result.output
    assert records.trainee("李娜") is None and what(records) == ["passphrase_set"]
    assert invoke("trainer", "add", "李娜", input=typed(PASSPHRASE)).exit_code == 0


def test_scripts_give_the_passphrase_in_a_file_or_the_environment(invoke, records, trainer, tmp_path, monkeypatch):
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert invoke("trainer", "--passphrase-file", str(secret), "add", "李娜").exit_code == 0
    secret.write_text("not it at all\n", encoding="utf-8")
    assert invoke("trainer", "--passphrase-file", str(secret), "add", "王芳").exit_code == 1
    monkeypatch.setenv("DUTYDRILL_TRAINER_PASSPHRASE", PASSPHRASE)
    assert invoke("trainer", "add", "王芳").exit_code == 0
    assert [t.name for t in records.trainees()] == ["李娜", "王芳"]


def test_changing_the_passphrase_from_the_command_line(invoke, records, trainer):
    wrong = invoke("trainer", "passphrase", input=typed("not-the-current-one", "新口令新口令新口令"))
    assert wrong.exit_code == 1 and "Wrong trainer passphrase" in wrong.output
    changed = invoke("trainer", "passphrase", input=typed(PASSPHRASE, "新口令新口令新口令", "新口令新口令新口令"))
    assert changed.exit_code == 0 and "Trainer passphrase changed." in changed.output
    Trainer.sign_in(records, "新口令新口令新口令")


def test_pin_override_delete_clear_and_the_audit_log(invoke, records, clock, trainer, trainee, drill_file, policy):
    assert invoke("trainer", "pin", "张伟", input=typed(PASSPHRASE, "8642", "8642")).exit_code == 0
    verify_pin(records.db, trainee, "8642")
    attempt = sit(records, clock, trainee, drill_file, policy, day="2026-05-21", score=70)
    usage = invoke("trainer", "override", str(attempt), "--reason", "x", input=typed(PASSPHRASE))
    assert usage.exit_code == 2 and "SCORE or --remove" in usage.output
    no_reason = invoke("trainer", "override", str(attempt), "88", input=typed(PASSPHRASE))
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    done = invoke("trainer", "override", str(attempt), "88", "--reason", "录音证明已按时报告", input=typed(PASSPHRASE))
    assert done.exit_code == 0 and "score 70 overridden with 88, passed: yes" in done.output
    assert invoke("trainer", "delete", str(attempt), "--reason", "代考", input=typed(PASSPHRASE)).exit_code == 0
    assert invoke("trainer", "clear", "张伟", "--until", "2099-12-31", "--reason", "考察合格", input=typed(PASSPHRASE)).exit_code == 0

    log = json.loads(invoke("audit", "--json").output)
    assert [entry["what"] for entry in log] == ["passphrase_set", "trainee_added", "pin_set", "score_overridden",
                                                "attempt_deleted", "cleared_by_hand"]
    override = log[3]
    assert override["who"] == "trainer" and override["details"]["reason"] == "录音证明已按时报告"
    assert override["details"]["scored"] == {"score": 70, "passed": False} and override["details"]["score"] == 88
    worded = invoke("audit", lang="zh").output
    assert f"改判第 {attempt} 号记录（张伟，test-drill）：成绩 70 → 88，合格 否 → 是；理由：录音证明已按时报告" in worded
    assert f"删除第 {attempt} 号记录" in worded and "人工认定 张伟 可上岗" in worded
    assert "overrode attempt" in invoke("audit").output
    assert json.loads(invoke("audit", "--since", "2099-01-01", "--json").output) == []
    board_json = json.loads(invoke("readiness", "--json").output)
    assert board_json["trainees"][0]["cleared_by_hand"]["reason"] == "考察合格"


def test_audit_on_an_empty_log(invoke):
    assert invoke("audit").output.strip() == "The audit log is empty."
