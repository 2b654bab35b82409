"""The records commands end to end through the CLI, on a temporary database."""

from __future__ import annotations

import datetime
import json

import openpyxl
import pytest
from click.testing import CliRunner

from scoring import credentials
from scoring.attestation import attest_attempt
from scoring.audit import audit_entries
from scoring.records import RecordsStore, open_records
from scoring.sitting import Sitting
from tui.cli import main

PASSPHRASE = "值班室-教员-2026"


@pytest.fixture
def database(tmp_path):
    return tmp_path / "cli.db"


@pytest.fixture
def invoke(database, monkeypatch):
    monkeypatch.delenv("DUTYDRILL_TRAINER_PASSPHRASE", raising=False)
    monkeypatch.delenv("DUTYDRILL_TRAINER_PASSPHRASE_FILE", raising=False)

    def run(*args: str, lang: str = "en", input: str | None = None):
        return CliRunner().invoke(main, ["--lang", lang, "--db", str(database), *args], catch_exceptions=False, input=input)
    return run


@pytest.fixture
def fast_scrypt(monkeypatch):
    monkeypatch.setattr(credentials, "SCRYPT_PARAMETERS", {"n": 2**10, "r": 8, "p": 1, "dklen": 32})


def audited(database) -> list:
    return audit_entries(open_records(database))


def test_trainee_add_list_show(invoke):
    assert invoke("trainee", "add", "张伟", "--unit", "县委办", "--cohort", "2026春").exit_code == 0
    assert invoke("trainee", "add", "李娜", lang="zh").output.strip() == "已添加学员 李娜。"
    again = invoke("trainee", "add", "张伟")
    assert again.exit_code == 1 and "already a trainee named 张伟" in again.output
    listed = invoke("trainee", "list").output
    assert "张伟" in listed and "县委办" in listed and "2026春" in listed
    shown = invoke("trainee", "show", "张伟").output
    assert "Attempts 0" in shown
    missing = invoke("trainee", "show", "王五")
    assert missing.exit_code == 1 and "No trainee named 王五" in missing.output


def test_archive_is_the_trainers_and_takes_a_trainee_off_the_list(invoke, database, fast_scrypt, tmp_path, monkeypatch):
    invoke("trainee", "add", "张伟")
    invoke("trainer", "add", "李娜", input=f"{PASSPHRASE}\n{PASSPHRASE}\n")  # the first trainer command sets the passphrase
    refused = invoke("trainee", "archive", "张伟", input="not-the-passphrase\n")
    assert refused.exit_code == 1 and "Wrong trainer passphrase" in refused.output and "Traceback" not in refused.output
    assert "张伟" in invoke("trainee", "list").output
    archived = invoke("trainee", "archive", "张伟", input=f"{PASSPHRASE}\n")
    assert archived.exit_code == 0 and PASSPHRASE not in archived.output  # hidden input
    assert "张伟" not in invoke("trainee", "list").output
    assert "archived" in invoke("trainee", "list", "--all").output
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert invoke("trainee", "archive", "张伟", "--restore", "--passphrase-file", str(secret)).exit_code == 0
    assert "张伟" in invoke("trainee", "list").output
    monkeypatch.setenv("DUTYDRILL_TRAINER_PASSPHRASE", PASSPHRASE)
    assert invoke("trainee", "archive", "李娜").exit_code == 0
    assert [(e.what, e.details) for e in audited(database)][-3:] == [
        ("trainee_archived", {"trainee": "张伟"}), ("trainee_restored", {"trainee": "张伟"}), ("trainee_archived", {"trainee": "李娜"})]


def test_a_run_without_trainee_stores_nothing(invoke, database):
    assert invoke("drill", "run", "night-mine-flood", "--json").exit_code == 0
    assert not database.exists()


def test_a_recorded_exam_shows_up_everywhere(invoke, database):
    invoke("trainee", "add", "张伟", "--cohort", "甲")
    result = invoke("drill", "run", "night-mine-flood", "--lang", "zh", "--trainee", "张伟", "--mode", "exam", "--json")
    assert result.exit_code == 0, result.output
    assert "Recorded as attempt 1 (run 1)." in result.stderr
    assert json.loads(result.stdout)["score"] == 100  # stdout stays one JSON object
    invoke("drill", "run", "night-mine-flood", "--lang", "zh", "--trainee", "张伟", "--mode", "practice", "--play", "idle")

    shown = invoke("trainee", "show", "张伟").output
    assert "exam" in shown and "practice" in shown and "best 100, last 0, trend -100" in shown
    assert "duty.escalation Escalation" in shown  # the weakest competencies name their rules
    report = invoke("report").output
    assert "张伟" in report and "-100" in report
    assert invoke("report", "--trainee", "张伟").output == shown

    debrief = invoke("drill", "debrief", "1").output
    assert debrief.startswith("# ") and "| tell_shift_leader | met | 10/10 |" in debrief
    card = json.loads(invoke("drill", "debrief", "2", "--format", "json").output)
    assert card["trainee"] == "张伟" and card["mode"] == "practice" and card["passed"] is False

    board = json.loads(invoke("readiness", "--json").output)
    assert board["trainees"][0]["missing"] == [{"code": "exams_unattested", "count": 1}]  # no PIN, no group session
    attest_attempt(open_records(database), 1, "pin")  # as if sat under the trainee's PIN
    board = json.loads(invoke("readiness", "--json").output)
    assert board["trainees"][0]["status"] == "cleared"
    assert board["trainees"][0]["valid_until"] == (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    later = invoke("readiness", "--on", (datetime.date.today() + datetime.timedelta(days=400)).isoformat(), lang="zh").output
    assert "已过期" in later and "到期" in later


def test_rescore_after_a_policy_change_says_what_changed_and_only_the_trainer_keeps_it(invoke, isolated_home, database, fast_scrypt):
    invoke("trainee", "add", "张伟")
    invoke("trainer", "add", "李娜", input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    invoke("drill", "run", "night-mine-flood", "--lang", "zh", "--trainee", "张伟", "--mode", "exam")
    assert "Nothing changed." in invoke("drill", "rescore", "1").output
    (isolated_home / "policy.yaml").write_text("limits:\n  escalate_urgent: {minutes: 0.1, rule: duty.escalation}\n", encoding="utf-8")
    result = invoke("drill", "rescore", "1")
    assert "score 100 →" in result.output and "limits.escalate_urgent.minutes: 10.0 → 0.1" in result.output
    assert "tell_shift_leader: met 10 → late 5" in result.output and "add --save" in result.output
    refused = invoke("drill", "rescore", "1", "--save", input="not-the-passphrase\n")
    assert refused.exit_code == 1 and "Wrong trainer passphrase" in refused.output
    assert "score 100 →" in invoke("drill", "rescore", "1").output  # not saved
    saved = invoke("drill", "rescore", "1", "--save", input=f"{PASSPHRASE}\n")
    assert saved.exit_code == 0 and "score 100 →" in saved.output and "replaces the stored one" in saved.output
    assert "Nothing changed." in invoke("drill", "rescore", "1").output
    entry = audited(database)[-1]
    after = entry.details["after"]["score"]
    assert entry.what == "attempt_rescored" and after < 100
    assert entry.details["attempt"] == 1 and entry.details["trainee"] == "张伟" and entry.details["before"]["score"] == 100
    assert {"finding": "tell_shift_leader", "before": {"status": "met", "points": 10}, "after": {"status": "late", "points": 5}} \
        in entry.details["findings"]
    line = invoke("audit").output
    assert f"rescored attempt 1 (张伟, night-mine-flood) and kept it: score 100 → {after}" in line
    assert "tell_shift_leader met 10 → late 5" in line


def test_close_and_resume_an_interrupted_run(invoke, database, tmp_path, policy, builtin_library):
    invoke("trainee", "add", "张伟")
    records = RecordsStore(open_records(database), lambda: "2026-03-01T08:00:00")
    night = builtin_library.find("night-mine-flood", "zh")
    for _ in range(2):  # two sittings cut short, as by a power cut
        sitting = Sitting.start(records, records.require_trainee("张伟"), night, policy, 3, "exam")
        attest_attempt(records.db, sitting.attempt_id, "group:study-day")
        sitting.drill.run_until(60)
    closed = invoke("drill", "close", "1", "--as", "abandoned")
    assert closed.exit_code == 0 and "closed as abandoned; attempt 1" in closed.output
    assert invoke("drill", "close", "1").exit_code == 1
    resumed = invoke("drill", "resume", "2", "--play", "ideal")
    assert resumed.exit_code == 0, resumed.output
    assert records.require_attempt(2).status == "finished" and records.require_attempt(2).score is not None
    assert records.require_attempt(1).status == "abandoned"
    board = json.loads(invoke("readiness", "--json").output)["trainees"][0]
    assert board["last_exam"] is not None  # the resumed exam counts, the abandoned one does not


def test_readiness_exports(invoke, tmp_path):
    invoke("trainee", "add", "张伟", "--unit", "县委办")
    result = invoke("readiness", "--xlsx", str(tmp_path / "board.xlsx"), "--csv", str(tmp_path / "board.csv"), lang="zh")
    assert result.exit_code == 0 and "已写入" in result.output
    rows = list(openpyxl.load_workbook(tmp_path / "board.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("学员", "单位", "批次", "上岗资格", "有效期至", "最近考核", "尚缺")
    assert rows[1][:4] == ("张伟", "县委办", None, "尚未具备") and rows[1][6] == "尚无考核记录"
    assert (tmp_path / "board.csv").read_bytes().startswith("\ufeff学员".encode())
    assert invoke("readiness", "--csv", "-").output.splitlines()[0] == "Trainee,Unit,Cohort,Readiness,Valid until,Last exam,Missing"


def test_an_office_readiness_file_with_a_mistake_is_named(invoke, isolated_home):
    (isolated_home / "readiness.yaml").write_text("valid_days: -3\n", encoding="utf-8")
    result = invoke("readiness")
    assert result.exit_code == 1 and "readiness.yaml: valid_days" in result.output


def test_backup_makes_a_copy_and_refuses_to_overwrite(invoke, tmp_path):
    invoke("trainee", "add", "张伟")
    target = tmp_path / "backup.db"
    assert invoke("db", "backup", str(target)).exit_code == 0
    assert [t.name for t in RecordsStore(open_records(target), str).trainees()] == ["张伟"]
    refused = invoke("db", "backup", str(target))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert invoke("db", "backup", str(target), "--force").exit_code == 0


def test_backup_without_a_database(invoke, tmp_path):
    result = invoke("db", "backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1 and "no records database" in result.output


def test_kb_changed_since_an_attempt_and_since_a_day(invoke, database):
    invoke("trainee", "add", "张伟")
    invoke("drill", "run", "night-mine-flood", "--lang", "zh", "--trainee", "张伟")
    assert "No rulebook section changed." in invoke("kb", "changed", "--attempt", "1").output
    db = open_records(database)
    db.execute("UPDATE attempts SET rule_hashes = json_set(rule_hashes, '$.\"duty.phone\"', 'older')")
    db.execute("UPDATE rule_versions SET first_seen = '2026-01-01'")
    db.execute("INSERT INTO rule_versions (section, language, hash, first_seen) VALUES ('duty.log', 'zh', 'older', '2025-12-01')")
    db.conn.close()
    changed = invoke("kb", "changed", "--attempt", "1").output
    assert "[zh] duty.phone" in changed and "night-mine-flood" in changed
    since = invoke("kb", "changed", "--since", "2025-12-15")
    assert "[zh] duty.log" in since.stdout and "duty.phone" not in since.stdout
    assert "no versions on record on or before 2025-12-15" in since.stderr  # the English edition
    assert invoke("kb", "changed").exit_code == 2


def test_the_readiness_text_says_who_a_trainer_cleared_by_hand(invoke, database):
    from scoring.trainers import Trainer

    invoke("trainee", "add", "张伟")
    records = RecordsStore(open_records(database), lambda: "2026-05-25T09:00:00")
    Trainer.set_first_passphrase(records, "值班室-教员-2026").clear_by_hand(
        "张伟", datetime.date(2026, 6, 30), reason="three years on duty in the city office")
    shown = invoke("readiness", "--on", "2026-06-01").output
    assert "张伟  cleared  until 2026-06-30" in shown
    assert "three years on duty in the city office" in shown


def test_trainer_archive_is_trainee_archive(invoke, tmp_path):
    secret = tmp_path / "passphrase"
    secret.write_text(f"{PASSPHRASE}\n", encoding="utf-8")
    invoke("trainee", "add", "张伟")
    archived = invoke("trainer", "--passphrase-file", str(secret), "archive", "张伟")
    assert archived.exit_code == 0, archived.output
    assert "张伟" not in invoke("trainee", "list").output
    assert invoke("trainer", "archive", "张伟", "--restore", "--passphrase-file", str(secret)).exit_code == 0
    assert "张伟" in invoke("trainee", "list").output
