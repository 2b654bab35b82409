"""The installed ``dutydrill`` in a real pseudo-terminal: the first screen appears, ctrl+q quits."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import termios
import time

import pyte
import pytest

COLUMNS, LINES = 100, 30


def read_screen(fd: int, screen: pyte.Screen, stream: pyte.ByteStream, wanted: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                stream.feed(os.read(fd, 65536))
            except OSError:
                return False
        if wanted in "\n".join(screen.display):
            return True
    return False


def test_first_screen_in_a_real_terminal_and_clean_quit(tmp_path):
    program = shutil.which("dutydrill")
    if program is None:
        pytest.skip("dutydrill is not installed in this environment")
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "DUTYDRILL_HOME": str(tmp_path), "LANG": "zh_CN.UTF-8"}
    process = subprocess.Popen([program, "--lang", "zh"], stdin=child, stdout=child, stderr=child, env=env,
                               close_fds=True, start_new_session=True)
    os.close(child)
    screen = pyte.Screen(COLUMNS, LINES)
    stream = pyte.ByteStream(screen)
    try:
        assert read_screen(main, screen, stream, "新建学员", 30), "\n".join(screen.display)
        os.write(main, b"\x11")  # ctrl+q
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
