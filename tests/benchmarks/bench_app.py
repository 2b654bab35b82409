"""The app's start-up and memory (issue 5), run on demand:

    uv run python tests/benchmarks/bench_app.py

First frame: the installed ``dutydrill`` and a minimal Textual app are started in turn in a
real pseudo-terminal, and the time until each shows its first screen is taken; medians and
their ratio (goal: ≤ 1.0 s and ≤ 2× the minimal app). Memory: resident set size of the app
while a drill runs for a few seconds with the rulebook opened over it (goal ≤ 100 MB).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

import pyte

TARGET_FIRST_FRAME_SECONDS = 1.0
TARGET_RATIO = 2.0
TARGET_RSS_MB = 100.0
COLUMNS, LINES = 120, 40

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("minimal-ready")
Minimal().run()
"""


def first_frame_seconds(command: list[str], wanted: str, env: dict) -> float:
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    screen = pyte.Screen(COLUMNS, LINES)
    stream = pyte.ByteStream(screen)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True)
    os.close(child)
    try:
        while time.perf_counter() - started < 30:
            if select.select([main], [], [], 0.01)[0]:
                stream.feed(os.read(main, 65536))
                if wanted in "\n".join(screen.display):
                    return time.perf_counter() - started
        raise RuntimeError(f"{wanted!r} never appeared")
    finally:
        process.kill()
        process.wait()
        os.close(main)


def resident_megabytes_during_a_drill(home: str) -> float:
    """Sit a drill in a headless app for a few seconds (rulebook opened over it), then read RSS."""
    probe = f"""
import asyncio, os
os.environ["DUTYDRILL_HOME"] = {home!r}
from pathlib import Path
from tui.app import create_app
from tui.settings import Settings
from scoring.records import RecordsStore, open_records
from scoring.sitting import Sitting
from tui.screens.drill_room import DrillRoomScreen
async def main():
    db = Path({home!r}) / "bench.db"
    records = RecordsStore(open_records(db), lambda: "2026-11-27T00:00:00")
    app = create_app(Settings("zh", db), records=records)
    async with app.run_test(size=(120, 40)) as pilot:
        trainee = records.add_trainee("bench")
        app.trainee = trainee
        sitting = Sitting.start(records, trainee, app.library.find("night-mine-flood", "zh"), app.policy, 1, "practice")
        await app.push_screen(DrillRoomScreen(sitting))
        sitting.drill.set_speed(60)
        await pilot.pause(3)
        app.action_open_rulebook(query="值班")
        await pilot.pause(2)
    with open("/proc/self/status") as status:
        print(next(line.split()[1] for line in status if line.startswith("VmHWM")))
asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def run(rounds: int = 5) -> dict:
    program = shutil.which("dutydrill")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TERM": "xterm-256color", "DUTYDRILL_HOME": home}
        ours, minimal = [], []
        for _ in range(rounds):  # interleaved, so both see the same machine load
            ours.append(first_frame_seconds([program, "--lang", "zh"], "新建学员", env))
            minimal.append(first_frame_seconds([sys.executable, "-c", MINIMAL_APP], "minimal-ready", env))
        rss = resident_megabytes_during_a_drill(home)
    return {"ours": statistics.median(ours), "minimal": statistics.median(minimal),
            "ratio": statistics.median(ours) / statistics.median(minimal), "rss_mb": rss}


if __name__ == "__main__":
    figures = run()
    print(f"first frame, median of 5: dutydrill {figures['ours']:.3f} s, minimal Textual app {figures['minimal']:.3f} s, "
          f"ratio {figures['ratio']:.2f} (goals ≤ {TARGET_FIRST_FRAME_SECONDS} s and ≤ {TARGET_RATIO}×)")
    print(f"peak resident memory during a drill with the rulebook open: {figures['rss_mb']:.1f} MB (goal ≤ {TARGET_RSS_MB} MB)")
