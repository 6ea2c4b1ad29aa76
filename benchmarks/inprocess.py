"""Driving an app in this process: keys go in through the driver, as from a terminal, and the time
taken is read off the frames the driver receives (see child/frame_driver.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from textual import events

from benchmarks.child.frame_driver import FrameDriver
from benchmarks.workspace import COLUMNS, LINES

SIZE = (COLUMNS, LINES)


def window_clock(plan) -> Callable[[], datetime]:
    """The board's clock: 90 minutes into the plan's window (after every event the suite wrote), running on."""
    base = plan.window.start + timedelta(minutes=90)
    began = time.monotonic()
    return lambda: base + timedelta(seconds=time.monotonic() - began)


async def key_to_frame(
    driver: FrameDriver, key: str, shows: Callable[[str], bool], timeout: float = 10.0, character: str | None = None
) -> float:
    """Seconds from sending `key` (typing `character`, by default the key's name) to the first frame for which
    `shows(frame)` holds."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[float] = loop.create_future()

    def on_frame(now: float, data: str) -> None:
        if not seen.done() and shows(data):
            seen.set_result(now)

    driver.on_frame = on_frame
    start = time.monotonic()
    driver.send_message(events.Key(key, key if character is None else character))
    try:
        return await asyncio.wait_for(seen, timeout) - start
    finally:
        driver.on_frame = None


def run(app, scenario) -> None:
    """Run `app` on a FrameDriver until `scenario(pilot)` returns."""
    app.driver_class = FrameDriver

    async def drive(pilot) -> None:
        try:
            await pilot.pause()
            await scenario(pilot)
        finally:
            app.exit()

    asyncio.run(app.run_async(size=SIZE, auto_pilot=drive))
