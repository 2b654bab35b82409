"""Records benchmark, run on demand: ``uv run python tests/benchmarks/bench_records.py``.

Fills a temporary records database (the real migrations) with 1,000 trainees × 100
attempts — runs, attempts, competency subtotals and findings, inserted with sqlite-utils
``insert_all`` — then measures in one run:

- the readiness board for every trainee (shipped policy plus two required drills),
- writing one journal action through ``JournalStore.writer`` (a committed row, WAL,
  synchronous FULL) while the big database is open, over a few thousand writes.

Targets (issue 4): the board ≤ 100 ms; one journal action ≤ 5 ms at p99.
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Runnable as a plain script from a checkout: the rooms live at the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from drills.engine import JournalEntry  # noqa: E402
from drills.journal import JournalStore  # noqa: E402
from scoring.readiness import load_readiness_policy, readiness_board  # noqa: E402
from scoring.records import open_records  # noqa: E402

TRAINEES = 1_000
ATTEMPTS_EACH = 100
FINDINGS_EACH = 12
DRILLS = [f"drill-{number:02d}" for number in range(8)]
COMPETENCIES = ["intake", "verification", "escalation", "reporting", "documents", "reception", "handover", "confidentiality"]
JOURNAL_WRITES = 3_000
BOARD_REPEATS = 20
TODAY = datetime.date(2026, 6, 1)
TARGET_BOARD_MS = 100.0
TARGET_WRITE_P99_MS = 5.0


def fill(db, seed: int = 4) -> None:
    chooser = random.Random(seed)
    db["cohorts"].insert_all([{"id": 1, "name": "2026春", "created": "2026-01-01T00:00:00"}])
    db["trainees"].insert_all({"id": number, "name": f"学员{number:04d}", "unit": "县委办", "cohort_id": 1,
                               "archived": 0, "created": "2026-01-01T00:00:00"} for number in range(1, TRAINEES + 1))
    db["scenario_versions"].insert_all({"hash": f"s-{drill}", "drill": drill, "language": "zh", "scenario": "{}"} for drill in DRILLS)
    db["policy_versions"].insert_all([{"hash": "p-1", "policy": "{}"}])
    attempts, runs, subtotals, findings = [], [], [], []
    for attempt_id in range(1, TRAINEES * ATTEMPTS_EACH + 1):
        trainee = (attempt_id - 1) // ATTEMPTS_EACH + 1
        drill = chooser.choice(DRILLS)
        day = TODAY - datetime.timedelta(days=chooser.randrange(500))
        ended = f"{day}T09:{chooser.randrange(60):02d}:00"
        mode = "exam" if chooser.random() < 0.3 else "practice"
        score = chooser.randint(40, 100)
        critical = int(chooser.random() < 0.08)
        runs.append({"id": attempt_id, "scenario_id": drill, "language": "zh", "scenario_path": f"{drill}.yaml",
                     "scenario_hash": f"s-{drill}", "seed": attempt_id, "engine_version": "1", "status": "finished",
                     "started": f"{day}T08:00:00", "ended": ended})
        attempts.append({"id": attempt_id, "trainee_id": trainee, "run_id": attempt_id, "drill": drill, "language": "zh",
                         "scenario_hash": f"s-{drill}", "seed": attempt_id, "engine_version": "1", "mode": mode,
                         "policy_hash": "p-1", "rule_hashes": "{}", "started": f"{day}T08:00:00", "ended": ended,
                         "status": "finished", "score": score, "passed": int(score >= 80 and not critical),
                         "critical_errors": critical, "scorecard": "{}",
                         # One in ten sat without a PIN or group session, one in fifty deleted by a trainer.
                         "attested_by": None if attempt_id % 10 == 0 else "pin",
                         "deleted": "2026-01-01T00:00:00" if attempt_id % 50 == 7 else None})
        for competency in chooser.sample(COMPETENCIES, 4):
            percent = min(100, max(0, score + chooser.randint(-20, 20)))
            subtotals.append({"attempt_id": attempt_id, "competency": competency, "trainee_id": trainee, "mode": mode,
                              "ended": ended, "awarded": percent / 5, "possible": 20, "percent": percent})
        for number in range(FINDINGS_EACH):
            findings.append({"attempt_id": attempt_id, "finding": f"expectation-{number}", "rule": f"duty.rule-{number}",
                             "status": "met", "severity": "minor", "competency": COMPETENCIES[number % 8],
                             "points": 2, "possible": 2})
    for table, rows in (("runs", runs), ("attempts", attempts), ("competency_results", subtotals), ("findings", findings)):
        db[table].insert_all(rows, batch_size=5_000)
    db.execute("ANALYZE")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-records-") as folder:
        database = Path(folder) / "records.db"
        db = open_records(database)
        started = time.perf_counter()
        fill(db)
        print(f"filled {TRAINEES:,} trainees × {ATTEMPTS_EACH} attempts ({TRAINEES * ATTEMPTS_EACH * FINDINGS_EACH:,} findings)"
              f" in {time.perf_counter() - started:.1f} s; {database.stat().st_size / 1e6:.0f} MB")

        policy = load_readiness_policy().model_copy(update={"required_drills": DRILLS[:2]})
        board_ms = []
        for _ in range(BOARD_REPEATS):
            started = time.perf_counter()
            board = readiness_board(db, policy, TODAY)
            board_ms.append((time.perf_counter() - started) * 1000)
        statuses = {status: sum(1 for entry in board if entry.status == status) for status in ("cleared", "expired", "not_yet")}
        print(f"readiness board, {len(board)} trainees {statuses}: median {statistics.median(board_ms):.1f} ms,"
              f" max {max(board_ms):.1f} ms (target ≤ {TARGET_BOARD_MS:.0f} ms)")

        store = JournalStore(db, lambda: "2026-06-01T09:00:00")
        run_id = store.start_run(scenario_id="drill-00", language="zh", scenario_path="drill-00.yaml",
                                 scenario_hash="s-drill-00", seed=1, engine_version="1")
        write = store.writer(run_id)
        write_ms = []
        for seq in range(1, JOURNAL_WRITES + 1):
            entry = JournalEntry(seq, seq * 2.0, "action", {"action": {"kind": "ask", "inject": "call", "question": "consequences"}})
            started = time.perf_counter()
            write(entry)
            write_ms.append((time.perf_counter() - started) * 1000)
        print(f"journal action write, {JOURNAL_WRITES:,} writes: median {statistics.median(write_ms):.2f} ms,"
              f" p99 {percentile(write_ms, 0.99):.2f} ms, max {max(write_ms):.2f} ms (target p99 ≤ {TARGET_WRITE_P99_MS:.0f} ms)")
        db.conn.close()
    met = max(board_ms) <= TARGET_BOARD_MS and percentile(write_ms, 0.99) <= TARGET_WRITE_P99_MS
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
