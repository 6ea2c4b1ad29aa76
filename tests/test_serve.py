"""`relboard serve`: the board in a browser, as a viewer sees it, loopback and read-only by default."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import Chromium, Page, free_port, png_pixels

from relboard.commands.serve_cmd import board_command, is_loopback
from tests.conftest import MINIMAL

TITLE = "Platform 4.2 upgrade"


class Served:
    """`relboard serve` running as a user would start it, in its own process group."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.port = free_port()
        self.stderr_path = folder / f"serve-{self.port}.err"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "relboard", "serve", *args, "--port", str(self.port)],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr_path.open("wb"),
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_until_answering(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"relboard serve exited with {self.process.returncode}:\n{self.stderr}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"relboard serve did not answer on 127.0.0.1:{self.port}:\n{self.stderr}")

    def get(self, path: str = "/", headers: dict[str, str] | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            # As a service manager would: the server is told, and it quits the boards it started.
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        # Whatever is left of the group (the server, a board still starting) goes.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def window(tmp_path: Path) -> Path:
    """A plan in a folder whose name needs quoting in a shell."""
    folder = tmp_path / "window's plans"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "plan.toml")
    return folder


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


@pytest.fixture
def serve(window: Path):
    started: list[Served] = []

    def start(*args: str, wait: bool = True) -> Served:
        served = Served(window, *args)
        started.append(served)
        if wait:
            served.wait_until_answering()
        return served

    yield start
    for served in started:
        served.stop()


def listening_addresses(port: int) -> set[str]:
    """Addresses with a listening TCP socket on `port`, from the kernel's table."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    words = [bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, 32, 8)]
                    found.add(socket.inet_ntop(socket.AF_INET6, b"".join(words)))
    return found


# --- the command each viewer's board runs ---------------------------------------------------------


def test_viewers_board_is_read_only_unless_allowed(tmp_path):
    plan = tmp_path / "a folder" / "it's plan.toml"
    state = tmp_path / "a folder" / "state $HOME.toml"
    words = shlex.split(board_command(plan, state, python="/opt/py thon"))
    assert words == ["/opt/py thon", "-m", "relboard", str(plan), "--state", str(state), "--read-only"]

    # A viewer allowed to record is asked who they are (and not remembered as the server's user).
    words = shlex.split(board_command(plan, state, allow_write=True, python="/opt/py thon"))
    assert words == ["/opt/py thon", "-m", "relboard", str(plan), "--state", str(state), "--ask-operator"]


def test_loopback_names():
    assert all(is_loopback(host) for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "192.0.2.1", "board.example"))


# --- the server ---------------------------------------------------------------------------------------


def test_binds_loopback_by_default_and_only_serves_its_own_pages(serve):
    served = serve("plan.toml")
    assert listening_addresses(served.port) == {"127.0.0.1"}
    status, page = served.get()
    assert status == 200
    assert f"relboard · {TITLE}" in page
    assert f"ws://127.0.0.1:{served.port}/ws" in page
    assert "warning" not in served.stderr
    assert "(read-only)" in served.stderr

    # Another site's page in the viewer's browser may not open the board's websocket.
    status, body = served.get(
        "/ws", {"Origin": "http://attacker.example", "Connection": "Upgrade", "Upgrade": "websocket"}
    )
    assert (status, body) == (403, "cross-origin request")
    # Nor reach it through a name of its own that resolves to this machine (DNS rebinding).
    status, body = served.get("/", {"Host": f"attacker.example:{served.port}"})
    assert status == 403
    assert "not a loopback name" in body


def test_wider_bind_warns(serve):
    # Only ever reached on 127.0.0.1, and stopped as soon as it answers.
    watching = serve("plan.toml", "--host", "0.0.0.0", wait=False)
    writing = serve("plan.toml", "--host", "0.0.0.0", "--allow-write", wait=False)
    for served in (watching, writing):
        served.wait_until_answering()
        served.stop()
    assert "warning: serving on 0.0.0.0: anyone who can reach it can watch the window (read-only)." in watching.stderr
    assert (
        "warning: serving on 0.0.0.0: anyone who can reach it can watch the window and change it (--allow-write)."
        in writing.stderr
    )


def test_bad_plan_is_reported_before_serving(window):
    (window / "bad.toml").write_text("schema = 1\n[release]\ntitle = 5\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "relboard", "serve", "bad.toml", "--port", str(free_port())],
        cwd=window,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines
    assert all(line.startswith("bad.toml:") for line in lines)
    assert any(line.startswith("bad.toml:3:") for line in lines)


def test_port_in_use_is_reported(window):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "relboard", "serve", "plan.toml", "--port", str(port)],
            cwd=window,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: " in done.stderr
    assert "Traceback" not in done.stderr


# --- in a browser -----------------------------------------------------------------------------------

BOARD_DRAWN = "document.body.classList.contains('-first-byte')"


async def open_board(browser: Page, served: Served) -> str:
    await browser.open(served.url)
    assert await browser.wait_for(BOARD_DRAWN), f"the board never drew in the browser:\n{served.stderr}"
    text = await browser.wait_for(f"window.__boardText().includes({TITLE!r}) && window.__boardText()")
    assert text, f"the board's title never reached the browser:\n{await browser.board_text()}"
    return text


async def press(browser: Page, key: str) -> None:
    await browser.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
    code = f"Key{key.upper()}"
    await browser.send(
        "Input.dispatchKeyEvent", type="keyDown", key=key, code=code, text=key, windowsVirtualKeyCode=ord(key.upper())
    )
    await browser.send(
        "Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=ord(key.upper())
    )


async def test_browser_shows_the_board_read_only(serve, window, chromium, tmp_path):
    served = serve("plan.toml")
    async with Page(chromium) as browser:
        text = await open_board(browser, served)
        assert "read-only" in text
        assert f"relboard · {TITLE}" in await browser.evaluate("document.body.textContent")

        shot = tmp_path / "board.png"
        await browser.screenshot(shot)
        assert shot.stat().st_size > 0
        width, height, pixels = png_pixels(await browser.screenshot(tmp_path / "small.png", scale=0.1))
        assert (width, height) == (140, 90)
        # The board's panes, borders and text, not an empty page.
        assert len(set(pixels)) > 20

        # A viewer has no keys that record: none in the footer, and pressing one records nothing.
        footer = await browser.wait_for("window.__boardText().includes('Quit') && window.__boardText()")
        assert footer, await browser.board_text()
        assert "Pass" not in footer
        await press(browser, "p")
        await press(browser, "i")
        shown = await browser.board_text()
        assert "New known issue" not in shown
    assert not (window / "plan.state.toml").exists()


async def enter(browser: Page) -> None:
    for kind in ("keyDown", "keyUp"):
        await browser.send(
            "Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", text="\r", windowsVirtualKeyCode=13
        )


async def test_browser_records_with_allow_write(serve, window, chromium):
    served = serve("plan.toml", "--allow-write")
    async with Page(chromium) as browser:
        text = await open_board(browser, served)
        assert "read-only" not in text
        # A viewer who may record says who they are first: every event carries the name.
        assert await browser.wait_for("window.__boardText().includes('Who is recording?')")
        for key in "Rio":
            await press(browser, key)
        await enter(browser)
        state = window / "plan.state.toml"
        # Named: the board opens the window's record (its first event, by Rio), and keys reach the checklist.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and 'by = "Rio"' not in (state.read_text() if state.exists() else ""):
            await asyncio.sleep(0.2)
        await press(browser, "p")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and 'status = "pass"' not in (state.read_text() if state.exists() else ""):
            await asyncio.sleep(0.2)
    assert 'step = "confirm-scope"' in state.read_text()
    assert 'status = "pass"' in state.read_text()
    assert 'by = "Rio"' in state.read_text()
