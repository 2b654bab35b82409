"""``dutydrill scenario check`` and ``dutydrill drill run`` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.drills.drill_factory import drill_data, write_drill
from tui.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)


def test_check_is_clean_on_the_builtin_drills():
    result = invoke("scenario", "check")
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_check_reports_path_line_column_and_exits_1(tmp_path):
    data = drill_data()
    data["injects"][0]["source"] = "ghost"
    path = write_drill(tmp_path, data)
    result = invoke("scenario", "check", str(path))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    file, line, column, message = first.split(":", 3)
    assert file == str(path) and line.isdigit() and column.isdigit() and "ghost" in message


def test_check_a_file_that_does_not_exist(tmp_path):
    result = invoke("scenario", "check", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1 and "cannot read the file" in result.output


def test_json_run_is_reproducible_and_seed_dependent():
    first = invoke("drill", "run", "night-mine-flood", "--seed", "11", "--json")
    second = invoke("drill", "run", "night-mine-flood", "--seed", "11", "--json")
    other = invoke("drill", "run", "night-mine-flood", "--seed", "12", "--json")
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    assert first.output != other.output
    summary = json.loads(first.output)
    assert summary["drill"] == "night-mine-flood" and summary["seed"] == 11
    assert "wall" not in first.output and "run_id" not in first.output
    assert summary["journal"][0]["kind"] == "drill_started"


def test_idle_run_only_receives(tmp_path):
    result = invoke("drill", "run", "night-mine-flood", "--play", "idle", "--json")
    kinds = {entry["kind"] for entry in json.loads(result.output)["journal"]}
    assert "action" not in kinds and "call_missed" in kinds


def test_text_run_prints_a_timeline():
    result = invoke("drill", "run", "night-mine-flood", "--lang", "zh")
    lines = result.output.splitlines()
    assert lines[0].startswith("02:00:00")
    assert any(line.endswith("Drill over") for line in lines)


def test_playbook_file_with_a_bad_action_is_reported(tmp_path):
    playbook = tmp_path / "p.yaml"
    playbook.write_text("actions:\n  - {at: 3, kind: answer, inject: night_call}\n  - {at: 4, kind: shout}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "drill", "run", "night-mine-flood", "--play", str(playbook)])
    assert result.exit_code == 1 and f"{playbook}:3:" in result.output


def test_unknown_drill(tmp_path):
    result = CliRunner().invoke(main, ["--lang", "en", "drill", "run", "no-such-drill"])
    assert result.exit_code == 1 and "No drill 'no-such-drill'" in result.output


def test_json_run_carries_the_score():
    ideal = json.loads(invoke("drill", "run", "night-mine-flood", "--json").output)
    idle = json.loads(invoke("drill", "run", "night-mine-flood", "--play", "idle", "--json").output)
    assert ideal["score"] >= 95 and ideal["passed"] is True
    assert idle["score"] <= 20 and idle["passed"] is False
    for finding in idle["findings"]:
        assert {"rule", "status", "points", "severity"} <= set(finding)
    assert any(f["status"] == "missed" for f in idle["findings"])


def test_text_run_ends_with_the_scorecard():
    result = invoke("drill", "run", "night-mine-flood", "--play", "idle")
    assert "Score 0 (pass mark 80): failed" in result.output
    assert "duty.escalation" in result.output
