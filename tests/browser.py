"""Headless Chromium for tests: Debian's chromium package, driven over the DevTools protocol.

The served board is drawn by xterm.js on a canvas, so a page load alone proves little. The page is opened
with a hook that keeps a copy of every byte the board sends down its websocket; a test then waits until the
board has drawn (the page marks its body `-first-byte`), reads those bytes and takes a screenshot.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import socket
import struct
import subprocess
import time
import zlib
from pathlib import Path

import aiohttp
import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
    # Offline: the page names a web font on another host; only the local server may be reached.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# Runs before the page's own scripts: a copy of every binary frame the board sends.
CAPTURE = """
window.__boardChunks = [];
window.WebSocket = new Proxy(window.WebSocket, {
  construct(target, args) {
    const socket = new target(...args);
    socket.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer) window.__boardChunks.push(new Uint8Array(event.data.slice(0)));
    });
    return socket;
  },
});
window.__boardText = () => {
  const decoder = new TextDecoder("utf-8");
  return window.__boardChunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
};
"""


def chromium() -> str:
    """Chromium's path, or a skip that says how to install it (CI installs it before the tests run)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"the browser test needs Debian's chromium package ({CHROMIUM}): apt-get install chromium")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Chromium:
    """One headless Chromium with its own empty profile, listening for DevTools on a loopback port."""

    def __init__(self, profile: Path) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        self.profile = profile
        self.process = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._port: int | None = None

    @property
    def port(self) -> int:
        """Waits for Chromium to write the port it chose into the profile."""
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while self._port is None and time.monotonic() < deadline:
            lines = marker.read_text().splitlines() if marker.exists() else []
            if lines and lines[0].isdigit():
                self._port = int(lines[0])
            elif self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode} before listening")
            else:
                time.sleep(0.05)
        if self._port is None:
            raise RuntimeError("chromium did not open its debugging port within 30 s")
        return self._port

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Page:
    """A new tab in `chromium`, recording what boards send it; use `async with Page(chromium) as page`."""

    def __init__(self, browser: Chromium) -> None:
        self.browser = browser
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._target = ""
        self._next_id = 0

    async def __aenter__(self) -> Page:
        base = f"http://127.0.0.1:{self.browser.port}"
        self._session = aiohttp.ClientSession()
        async with self._session.put(f"{base}/json/new?about:blank") as response:
            target = await response.json(content_type=None)
        self._target = target["id"]
        self._socket = await self._session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=CAPTURE)
        return self

    async def __aexit__(self, *exc) -> None:
        # Closing the tab ends its websocket, so the server stops that viewer's board.
        if self._socket is not None:
            await self._socket.close()
        if self._session is not None:
            async with self._session.get(f"http://127.0.0.1:{self.browser.port}/json/close/{self._target}"):
                pass
            await self._session.close()

    async def send(self, method: str, **params) -> dict:
        assert self._socket is not None
        self._next_id += 1
        ident = self._next_id
        await self._socket.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = await asyncio.wait_for(self._socket.receive(), 30)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"DevTools connection closed ({message.type})")
            data = json.loads(message.data)
            if data.get("id") == ident:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def wait_for(self, expression: str, timeout: float = 20.0):
        """Poll a page expression until it is truthy; its last value either way."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.2)
        return value

    async def board_text(self) -> str:
        """What the board sent to the terminal so far, as text (escape sequences left in)."""
        return await self.evaluate("window.__boardText ? window.__boardText() : ''") or ""

    async def screenshot(self, path: Path, scale: float = 1.0) -> bytes:
        params: dict = {"format": "png"}
        if scale != 1.0:
            params["clip"] = {"x": 0, "y": 0, "width": 1400, "height": 900, "scale": scale}
        data = base64.b64decode((await self.send("Page.captureScreenshot", **params))["data"])
        path.write_bytes(data)
        return data


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and pixels of an 8-bit RGB or RGBA PNG (what Chromium writes); small images only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None, "PNG without IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert (depth, interlace) == (8, 0), f"unexpected PNG format {header}"
    assert colour in (2, 6), f"unexpected PNG format {header}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[tuple[int, ...]] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        pixels.extend(tuple(line[i : i + channels]) for i in range(0, stride, channels))
        previous = line
    return width, height, pixels
