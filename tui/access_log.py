"""Wrong access codes counted across every served browser page, so that guessing stays slow.

``dutydrill serve`` starts one app process per browser page, and each closes after five
wrong codes; without a shared count a guesser would simply open another page. Each wrong
code is appended to a file in the data folder; once too many fall within the window, every
access screen refuses all codes until enough of them have aged out. The price is that a
guesser can keep the trainees out for a while: the README says so, and a proxy's rate limit
is the better first line.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

WINDOW_SECONDS = 600.0
MAX_WRONG_IN_WINDOW = 20
TRIM_AFTER_LINES = 1000  # the file is rewritten with only the recent tries once it grows past this


class WrongCodeLog:
    def __init__(self, path: Path, now: Callable[[], float] = time.time) -> None:
        self.path = path
        self.now = now

    def _recent(self) -> tuple[list[float], int]:
        try:
            lines = self.path.read_text(encoding="ascii", errors="replace").split()
        except OSError:
            return [], 0
        cutoff = self.now() - WINDOW_SECONDS
        times = []
        for line in lines:
            try:
                stamp = float(line)
            except ValueError:
                continue  # a torn or foreign line: not a try
            if stamp > cutoff:
                times.append(stamp)
        return sorted(times), len(lines)

    def record(self) -> None:
        """One more wrong code. A folder that cannot be written only loses the shared count."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="ascii") as log:
                log.write(f"{self.now():.3f}\n")
            recent, lines = self._recent()
            if lines > TRIM_AFTER_LINES:
                trimmed = self.path.with_name(self.path.name + ".trim")
                trimmed.write_text("".join(f"{stamp:.3f}\n" for stamp in recent), encoding="ascii")
                trimmed.replace(self.path)
        except OSError:
            pass

    def locked_for(self) -> float:
        """Seconds until a code may be tried again (0: now)."""
        recent, _ = self._recent()
        if len(recent) < MAX_WRONG_IN_WINDOW:
            return 0.0
        # Open again once all but MAX - 1 of the recent tries have aged out of the window.
        return max(0.0, recent[len(recent) - MAX_WRONG_IN_WINDOW] + WINDOW_SECONDS - self.now())
