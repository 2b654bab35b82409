"""``dutydrill serve``: refusals without a traceback, and the app in a real headless Chromium.

The browser test starts ``dutydrill serve`` on a free loopback port, drives Debian's
Chromium over the DevTools protocol (a websocket, with aiohttp's client), types the
access code and a trainee's name into the terminal page, joins the group drill a trainer
opened (from the test, as from another terminal) with its code, answers the call the
trainer fires, and checks the records.
textual-serve draws on a canvas, so the page's text is read from the bytes its websocket
delivered to the terminal, captured by a hook the test adds to the page.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.commands.serve import app_command, generate_code, is_loopback, public_url
from tui.screens.access import ACCESS_CODE_ENV
from tui.settings import Settings
from scoring.trainers import Trainer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",  # the page asks for a web font
    "--window-size=1280,800", "--remote-debugging-port=0",
]
CODE = "drill-room-7"

# Keeps every binary websocket message (the terminal's output) for the test to read.
CAPTURE_TERMINAL = """
window.__terminalBytes = [];
const PageSocket = window.WebSocket;
window.WebSocket = class extends PageSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", async (event) => {
      if (typeof event.data === "string") return;
      const data = event.data instanceof Blob ? await event.data.arrayBuffer() : event.data;
      window.__terminalBytes.push(...new Uint8Array(data));
    });
  }
};
window.__terminalText = () => new TextDecoder().decode(new Uint8Array(window.__terminalBytes));
"""
ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>78DEMH])")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(autouse=True)
def no_code_in_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(ACCESS_CODE_ENV, raising=False)
    monkeypatch.setenv("DUTYDRILL_HOME", str(tmp_path / "home"))


# ---- the command's checks ---------------------------------------------------------------

def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.9")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("192.168.1.20")
    assert not is_loopback("duty-room.example.org")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_other_machines_are_refused_without_an_access_code(host):
    result = run("--lang", "en", "serve", "--host", host)
    assert result.exit_code == 1
    assert "access code" in result.output and "--access-code" in result.output and "--generate-code" in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback


def test_a_short_access_code_is_refused():
    result = run("--lang", "zh", "serve", "--host", "0.0.0.0", "--access-code", "1234")
    assert result.exit_code == 1
    assert "访问码至少要 8 个字符" in result.output


def test_an_unknown_host_is_a_message():
    result = run("--lang", "en", "serve", "--host", "no-such-host.invalid", "--access-code", CODE)
    assert result.exit_code == 1
    assert "Cannot serve on no-such-host.invalid" in result.output


def test_a_port_in_use_is_a_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--lang", "en", "serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"Port {port} is already in use" in result.output


def test_missing_textual_serve_is_a_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    result = run("--lang", "en", "serve")
    assert result.exit_code == 1
    assert "textual-serve is not installed" in result.output


def test_the_code_stays_off_the_served_command_line(tmp_path):
    command = app_command(Settings("zh", tmp_path / "records.db"))
    assert "--lang zh" in command and str(tmp_path / "records.db") in command
    assert CODE not in command and "access" not in command


def test_the_command_and_the_app_agree_on_the_variable_and_the_command_loads_no_textual():
    from tui.commands import serve
    from tui.screens import access

    assert serve.ACCESS_CODE_ENV == access.ACCESS_CODE_ENV
    probe = "import tui.cli, tui.commands.serve, sys; print('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_generated_codes_are_long_enough_and_differ():
    codes = {generate_code() for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) >= 8 for code in codes)


def test_public_url():
    assert public_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000"
    assert public_url("::1", 8000, None) == "http://[::1]:8000"
    assert public_url("0.0.0.0", 8000, "https://drill.example.org/") == "https://drill.example.org"


# ---- in a real browser -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dutydrill serve exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"dutydrill serve did not listen on port {port}")


class DevTools:
    """Just enough of the Chrome DevTools protocol: numbered commands on one page's websocket."""

    def __init__(self, socket_) -> None:
        self.socket = socket_
        self.next_id = 0

    async def send(self, method: str, **params):
        self.next_id += 1
        await self.socket.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            reply = json.loads((await self.socket.receive(timeout=30)).data)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    async def terminal_text(self) -> str:
        result = await self.send("Runtime.evaluate", expression="window.__terminalText ? window.__terminalText() : ''",
                                 returnByValue=True)
        return ESCAPES.sub("", result["result"].get("value", ""))

    async def wait_for_text(self, wanted: str, seconds: float = 30, after: int = 0) -> str:
        deadline = time.monotonic() + seconds
        text = ""
        while time.monotonic() < deadline:
            text = await self.terminal_text()
            if wanted in text[after:]:
                return text
            await asyncio.sleep(0.25)
        raise AssertionError(f"{wanted!r} never appeared in the terminal page; its last text: {text[-600:]!r}")

    async def type(self, text: str) -> None:
        await self.send("Input.insertText", text=text)
        for kind in ("keyDown", "keyUp"):
            await self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                            windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown" else {}))

    async def key(self, name: str, code: int) -> None:
        """A key with no text of its own (Enter, F2 …), as the browser would send it to the terminal."""
        for kind in ("rawKeyDown", "keyUp"):
            await self.send("Input.dispatchKeyEvent", type=kind, key=name, code=name,
                            windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)

    async def screenshot(self, path: Path) -> None:
        result = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))


def page_socket_url(profile: Path, seconds: float = 30) -> str:
    """The DevTools websocket of Chromium's first page, from the port it wrote in its profile."""
    import urllib.request

    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if active.exists() and active.read_text().strip():
            port = active.read_text().split()[0]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                pages = [target for target in json.load(answer) if target["type"] == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    pytest.fail("Chromium did not open its DevTools port")


def stop(process: subprocess.Popen) -> None:
    """End a process the test started in its own session, and anything it left in that group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture
def chromium_installed() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: the browser test needs Debian's chromium (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def served(tmp_path, chromium_installed):
    """``dutydrill serve`` with an access code, on a free loopback port, on a fresh data folder."""
    port = free_port()
    env = {**os.environ, "DUTYDRILL_HOME": str(tmp_path / "home"), ACCESS_CODE_ENV: CODE}
    env.pop("DUTYDRILL_DB", None)
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "--lang", "zh", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/", tmp_path / "home" / "dutydrill.db"
    finally:
        stop(process)
        log.close()


@pytest.fixture
def chromium(tmp_path, chromium_installed):
    """Headless Chromium on a fresh profile: its first page's DevTools websocket."""
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield page_socket_url(profile)
    finally:
        stop(process)


def open_group_drill(database: Path) -> tuple[Trainer, int, str]:
    """The trainer's side, from another terminal: a started group drill on the served database."""
    from scoring.groups import open_session, start_session
    from scoring.records import RecordsStore, open_records
    from tui.content import current_library

    database.parent.mkdir(parents=True, exist_ok=True)
    trainer = Trainer.set_first_passphrase(RecordsStore(open_records(database), lambda: "2026-11-27T10:00:00"), "值班室-教员-2026")
    session = open_session(trainer, current_library().find("night-mine-flood", "zh"), 9, "practice")
    start_session(trainer, session.id, time.time())
    return trainer, session.id, session.code


async def test_a_trainee_joins_a_group_drill_and_answers_a_call_in_a_browser(served, chromium, tmp_path):  # the browser closes first
    import aiohttp

    from scoring.groups import fire_inject

    url, database = served
    trainer, session_id, join_code = open_group_drill(database)
    async with aiohttp.ClientSession() as session, session.ws_connect(chromium, max_msg_size=0) as socket_:
        page = DevTools(socket_)
        await page.send("Page.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=CAPTURE_TERMINAL)
        await page.send("Page.navigate", url=url)
        await page.wait_for_text("访问码")  # the access screen comes first
        await page.send("Input.dispatchMouseEvent", type="mousePressed", x=640, y=400, button="left", clickCount=1)
        await page.send("Input.dispatchMouseEvent", type="mouseReleased", x=640, y=400, button="left", clickCount=1)

        await page.type("wrong-code-1")
        seen = await page.wait_for_text("访问码不正确")
        for _ in range(5):  # the input stays shut for a moment after a wrong code; a slow machine, longer
            await asyncio.sleep(2)
            await page.type(CODE)
            try:
                seen = await page.wait_for_text("新建学员", after=len(seen), seconds=10)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the right access code never opened the start screen")
        await asyncio.sleep(1)  # the records open a moment after the first frame

        await page.type("王值班")
        seen = await page.wait_for_text("已新建学员", after=len(seen))
        await asyncio.sleep(0.5)

        await page.key("Enter", 13)  # the new trainee, highlighted: the drill library opens
        seen = await page.wait_for_text("演练库", after=len(seen))
        await asyncio.sleep(0.5)
        await page.send("Input.insertText", text="g")  # join a group drill
        seen = await page.wait_for_text("加入码", after=len(seen))
        await asyncio.sleep(0.5)
        await page.type(join_code.lower())
        seen = await page.wait_for_text(f"集体演练 {join_code}", after=len(seen))  # the drill room, on the shared clock
        fire_inject(trainer, session_id, "night_call", time.time())  # the trainer rings everyone now
        seen = await page.wait_for_text("响铃", after=len(seen))
        await asyncio.sleep(0.5)
        await page.key("F2", 113)  # answer it
        await page.wait_for_text("处理中", after=len(seen))
        await asyncio.sleep(0.5)
        await page.screenshot(tmp_path / "served.png")

    with sqlite3.connect(database) as db:
        assert db.execute("SELECT name FROM trainees").fetchall() == [("王值班",)]
        assert db.execute("SELECT a.status FROM attempts a JOIN group_members m ON m.attempt_id = a.id"
                          " WHERE m.session_id = ?", [session_id]).fetchall() == [("running",)]
        actions = db.execute("SELECT data FROM journal WHERE kind = 'action'").fetchall()
        assert [json.loads(data)["action"]["kind"] for (data,) in actions] == ["answer"]
    shots = os.environ.get("DUTYDRILL_SCREENSHOTS")
    if shots:  # keep the screenshot to look at
        shutil.copy(tmp_path / "served.png", Path(shots) / "served.png")
