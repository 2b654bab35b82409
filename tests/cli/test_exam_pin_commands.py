"""``dutydrill drill run --mode exam`` under the trainee's PIN: asked hidden with --pin, or
given in DUTYDRILL_TRAINEE_PIN by scripts; only then does the exam count toward clearance."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scoring import credentials
from scoring.attestation import attempt_standing, exam_counts
from scoring.records import RecordsStore, open_records
from scoring.trainers import Trainer
from tui.cli import main

PIN = "246810"
EXAM = ("drill", "run", "night-mine-flood", "--lang", "zh", "--trainee", "张伟", "--mode", "exam", "--json")


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setattr(credentials, "SCRYPT_PARAMETERS", {"n": 2**10, "r": 8, "p": 1, "dklen": 32})
    monkeypatch.delenv("DUTYDRILL_TRAINEE_PIN", raising=False)
    path = tmp_path / "pin.db"
    trainer = Trainer.set_first_passphrase(RecordsStore(open_records(path), lambda: "2026-06-01T09:00:00"), "值班室-教员-2026")
    trainer.add_trainee("张伟")
    trainer.set_pin("张伟", PIN)
    trainer.add_trainee("李娜")  # no PIN
    return path


def invoke(database, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--lang", "en", "--db", str(database), *args], catch_exceptions=False, input=input)


def attempts(database) -> list[int]:
    return [row[0] for row in open_records(database).execute("SELECT id FROM attempts ORDER BY id")]


def test_an_exam_under_the_pin_asked_hidden_counts(database):
    result = invoke(database, *EXAM, "--pin", input=f"{PIN}\n")
    assert result.exit_code == 0, result.output
    assert PIN not in result.output and "PIN" in result.stderr
    assert json.loads(result.stdout)["score"] == 100  # stdout stays one JSON object
    standing = attempt_standing(open_records(database), attempts(database)[0])
    assert standing.attested_by == "pin" and exam_counts(standing)


def test_scripts_give_the_pin_in_the_environment(database, monkeypatch):
    monkeypatch.setenv("DUTYDRILL_TRAINEE_PIN", PIN)
    result = invoke(database, *EXAM)
    assert result.exit_code == 0, result.output
    assert exam_counts(attempt_standing(open_records(database), attempts(database)[0]))


def test_a_wrong_pin_is_said_and_nothing_is_recorded(database):
    result = invoke(database, *EXAM, "--pin", input="999999\n")
    assert result.exit_code == 1 and "Wrong PIN for 张伟." in result.output and "Traceback" not in result.output
    assert attempts(database) == []


def test_an_exam_without_the_pin_is_recorded_and_said_not_to_count(database):
    result = invoke(database, *EXAM)
    assert result.exit_code == 0, result.output
    assert "will not count toward clearance" in result.stderr and "--pin" in result.stderr
    standing = attempt_standing(open_records(database), attempts(database)[0])
    assert standing.attested_by is None and not exam_counts(standing)
    practice = invoke(database, *EXAM[:-2], "practice")
    assert practice.exit_code == 0 and "clearance" not in practice.output


def test_pin_needs_a_trainee_exam_and_a_pin_to_check(database):
    for args in (("drill", "run", "night-mine-flood", "--pin"), ("drill", "run", "night-mine-flood", "--trainee", "张伟", "--pin")):
        result = invoke(database, *args, input=f"{PIN}\n")
        assert result.exit_code == 2 and "--pin is for an exam sat by a trainee" in result.output
    no_pin = invoke(database, *EXAM[:6], "李娜", "--mode", "exam", "--pin", input=f"{PIN}\n")
    assert no_pin.exit_code == 1 and "李娜 has no PIN" in no_pin.output
    misspelt = invoke(database, *EXAM[:6], "王五", "--mode", "exam", "--pin")
    assert misspelt.exit_code == 1 and "No trainee named 王五" in misspelt.output and "PIN" not in misspelt.stderr
    assert attempts(database) == []
