"""Wrong access codes counted across served pages: the window, the lock, a damaged or unwritable file."""

from __future__ import annotations

import pytest

from tui.access_log import MAX_WRONG_IN_WINDOW, TRIM_AFTER_LINES, WINDOW_SECONDS, WrongCodeLog


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_lock_falls_when_enough_tries_age_out(tmp_path, clock):
    log = WrongCodeLog(tmp_path / "wrong", clock)
    for _ in range(MAX_WRONG_IN_WINDOW - 1):
        log.record()
        clock.now += 1
    assert log.locked_for() == 0
    log.record()  # the try that fills the window
    first = clock.now - (MAX_WRONG_IN_WINDOW - 1)
    assert log.locked_for() == pytest.approx(first + WINDOW_SECONDS - clock.now)
    clock.now = first + WINDOW_SECONDS + 0.5  # the oldest try has aged out
    assert log.locked_for() == 0


def test_two_pages_share_one_count(tmp_path, clock):
    one, other = WrongCodeLog(tmp_path / "wrong", clock), WrongCodeLog(tmp_path / "wrong", clock)
    for _ in range(MAX_WRONG_IN_WINDOW // 2):
        one.record()
        other.record()
    assert one.locked_for() > 0 and other.locked_for() > 0


def test_garbage_lines_and_a_missing_file_are_no_tries(tmp_path, clock):
    path = tmp_path / "wrong"
    assert WrongCodeLog(path, clock).locked_for() == 0
    path.write_text("not a time\n\x00\x01\n" * 50, encoding="latin-1")
    assert WrongCodeLog(path, clock).locked_for() == 0


def test_an_unwritable_folder_loses_only_the_count(tmp_path, clock):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="ascii")
    log = WrongCodeLog(blocked / "wrong", clock)
    log.record()  # no exception
    assert log.locked_for() == 0


def test_the_file_is_trimmed_to_the_recent_tries(tmp_path, clock):
    path = tmp_path / "wrong"
    path.write_text("".join(f"{clock.now - WINDOW_SECONDS - 10:.3f}\n" for _ in range(TRIM_AFTER_LINES + 5)), encoding="ascii")
    WrongCodeLog(path, clock).record()
    assert path.read_text(encoding="ascii").split() == [f"{clock.now:.3f}"]
