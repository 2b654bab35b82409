"""Starting, replaying and resuming a drill: what the CLI, the app and the tests share.

A replay feeds a journal's actions and trainer controls back into a fresh drill with the
same seed; the engine is deterministic, so it reaches the same state. That is how an
interrupted drill resumes and how any attempt can be re-scored.
"""

from __future__ import annotations

from typing import Any, Callable

from drills.actions import ACTION_ADAPTER
from drills.catalog import DrillFile
from drills.engine import ENGINE_VERSION, Drill, JournalEntry
from drills.journal import JournalStore
from drills.policy import Policy
from drills.variables import instantiate

# Journal entries that record a decision (the trainee's or the trainer's), as opposed
# to what the engine did by itself; a replay repeats exactly these.
DECISIONS = ("action", "skipped", "inject_triggered", "clock_shifted", "speed_changed")


class ReplayMismatch(Exception):
    """The journal does not fit this drill (the file changed since, or another seed)."""


def new_drill(drill_file: DrillFile, policy: Policy, seed: int,
              on_entry: Callable[[JournalEntry], None] | None = None) -> Drill:
    scenario, values = instantiate(drill_file.scenario, seed)
    return Drill(scenario, policy, seed, values, on_entry)


def replay(drill_file: DrillFile, policy: Policy, seed: int, entries: list[JournalEntry]) -> Drill:
    """Rebuild a drill from its journal; raises ``ReplayMismatch`` if the journal disagrees."""
    drill = new_drill(drill_file, policy, seed)
    for entry in entries:
        if entry.kind not in DECISIONS:
            continue
        drill.run_until(entry.at)
        if entry.kind == "action":
            drill.act(ACTION_ADAPTER.validate_python(entry.data["action"]))
        elif entry.kind == "skipped":
            drill.skip_to_next()
        elif entry.kind == "inject_triggered":
            drill.trigger_now(entry.data["inject"])
        elif entry.kind == "clock_shifted":
            drill.shift_clock(entry.data["minutes"])
        elif entry.kind == "speed_changed":
            drill.set_speed(entry.data["speed"])
    if entries:
        drill.run_until(entries[-1].at)  # what the engine did by itself after the last decision
    stored = [(e.kind, e.at, e.data) for e in entries if e.kind not in ("paused", "resumed", "drill_ended")]
    rebuilt = [(e.kind, e.at, e.data) for e in drill.journal if e.kind not in ("paused", "resumed", "drill_ended")]
    if rebuilt[: len(stored)] != stored:
        raise ReplayMismatch("the journal does not match this drill file and seed")
    return drill


def resume(drill_file: DrillFile, policy: Policy, seed: int, entries: list[JournalEntry],
           on_entry: Callable[[JournalEntry], None]) -> Drill:
    """Replay an interrupted drill, then write new entries after the stored ones."""
    drill = replay(drill_file, policy, seed, entries)
    drill.journal = list(entries)  # keep the stored sequence numbers and pauses
    drill.attach(on_entry)
    return drill


def run_summary(drill: Drill, drill_file: DrillFile, playbook: str) -> dict[str, Any]:
    """The headless run's JSON: no wall-clock stamps, no database ids, so it is reproducible."""
    return {
        "drill": drill.scenario.id,
        "language": drill.scenario.language,
        "title": drill.scenario.title,
        "seed": drill.seed,
        "playbook": playbook,
        "scenario_hash": drill_file.content_hash,
        "engine": ENGINE_VERSION,
        "journal": [entry.as_dict() for entry in drill.journal],
    }


def start_recorded(store: JournalStore, drill_file: DrillFile, policy: Policy, seed: int) -> tuple[int, Drill]:
    """A new run whose every journal entry is committed as it happens."""
    run_id = store.start_run(
        scenario_id=drill_file.scenario.id, language=drill_file.scenario.language,
        scenario_path=str(drill_file.path), scenario_hash=drill_file.content_hash,
        seed=seed, engine_version=ENGINE_VERSION,
    )
    return run_id, new_drill(drill_file, policy, seed, store.writer(run_id))


def resume_recorded(store: JournalStore, run_id: int, drill_file: DrillFile, policy: Policy) -> Drill:
    """Pick an interrupted run up where its journal ends."""
    run = store.run(run_id)
    if run is None:
        raise ReplayMismatch(f"there is no run {run_id}")
    if run.scenario_hash != drill_file.content_hash:
        raise ReplayMismatch("the drill file has changed since this run started")
    return resume(drill_file, policy, run.seed, store.entries(run_id), store.writer(run_id))
