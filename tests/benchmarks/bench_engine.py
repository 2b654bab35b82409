"""Engine and loader speed (issue 2), run on demand:

    uv run python tests/benchmarks/bench_engine.py

A generated drill of 1,000 injects runs headless with the ``ideal`` playbook (goal ≤ 1 s),
and every built-in drill is loaded and checked (goal ≤ 0.5 s). Medians of several runs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml

from drills.catalog import load_library
from drills.loader import load_scenario
from drills.locations import DEFAULT_POLICY
from drills.playbook import built_in_playbook, run_playbook
from drills.policy import load_policy
from drills.catalog import DrillFile
from drills.session import new_drill
from knowledge.check import known_rule_ids

TARGET_RUN_SECONDS = 1.0
TARGET_LOAD_SECONDS = 0.5
CHANNELS = ["phone", "fax", "visitor", "message"]


def generated_drill(injects: int = 1_000) -> dict:
    """A long night: one inject every 1.2 minutes, each with two or three expectations."""
    people = [{"id": "leader", "name": "王", "role": "shift_leader"}, {"id": "city", "name": "市", "role": "upper_duty_office"},
              {"id": "caller", "name": "{caller}", "role": "caller"}, {"id": "office", "name": "信访局", "role": "petition_office"}]
    facts = [{"id": f"fact{i}", "label": "地点", "element": "place", "value": f"{{village}}{i}号"} for i in range(injects)]
    inject_list, expectations = [], []
    for i in range(injects):
        channel = CHANNELS[i % len(CHANNELS)]
        inject = {"id": f"i{i}", "channel": channel, "at": round(i * 1.2, 1), "source": "caller", "summary": f"事项{i}",
                  "volunteers": [f"fact{i}"]}
        if channel in ("fax",):
            inject["document"] = {"title": "报告", "sender_unit": "镇"}
        inject_list.append(inject)
        first = {"phone": "answer", "fax": "register_document", "visitor": "receive_visitor", "message": "log"}[channel]
        limit = {"answer": "answer_phone", "register_document": "register_document", "receive_visitor": "receive_visitor", "log": "log_entry"}[first]
        expectations.append({"id": f"e{i}a", "inject": f"i{i}", "action": first, "deadline": limit, "points": 2, "rule": "duty.phone"})
        if channel == "phone":
            expectations.append({"id": f"e{i}b", "inject": f"i{i}", "action": "ask", "question": "place", "points": 1, "rule": "duty.log"})
    return {"id": "generated", "title": "压力测试", "language": "zh", "difficulty": "advanced", "competencies": ["intake"],
            "description": "generated", "start": "00:00", "length": injects * 1.2 + 60, "unit": "县委",
            "variables": {"caller": {"kind": "name"}, "village": {"kind": "village"}},
            "people": people, "facts": facts, "injects": inject_list, "expectations": expectations}


def median_seconds(work, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> dict:
    policy = load_policy(DEFAULT_POLICY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(yaml.safe_dump(generated_drill(), allow_unicode=True), encoding="utf-8")
        scenario, _ = load_scenario(path)
        drill_file = DrillFile(path, scenario, "h", False)

        def ideal_run() -> None:
            drill = new_drill(drill_file, policy, 1)
            run_playbook(drill, *built_in_playbook("ideal", drill.scenario))
            assert len(drill.met) == len(scenario.expectations)

        run_seconds = median_seconds(ideal_run, 3)
    rule_ids = set(known_rule_ids("zh"))
    load_seconds = median_seconds(lambda: load_library(policy, None, rule_ids))
    return {"injects": len(scenario.injects), "expectations": len(scenario.expectations),
            "ideal_run_seconds": run_seconds, "load_check_seconds": load_seconds,
            "builtin_drills": len(load_library(policy).drills)}


if __name__ == "__main__":
    figures = run()
    print(f"generated drill: {figures['injects']} injects, {figures['expectations']} expectations")
    print(f"  ideal run, median of 3: {figures['ideal_run_seconds']:.3f} s (goal ≤ {TARGET_RUN_SECONDS} s)")
    print(f"load and check {figures['builtin_drills']} built-in drills, median of 5: "
          f"{figures['load_check_seconds']:.3f} s (goal ≤ {TARGET_LOAD_SECONDS} s)")
