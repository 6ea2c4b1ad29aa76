"""Event save on the large state: from the key press that makes an event until its append has fsynced,
and on which thread that append ran. The reference is one write + fsync of a block of the same size in
the same folder: the disk's own floor."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import TYPE_CHECKING

from textual import events

from benchmarks.child.frame_driver import FrameDriver
from benchmarks.inprocess import run, window_clock
from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.domain.events import StepStatus
from relboard.store.journal import Journal
from relboard.store.plan_file import load_plan
from relboard.ui.app import RelboardApp
from relboard.window.session import WindowSession

if TYPE_CHECKING:
    from relboard.hub.address import HubAddress

TARGET_MS = 10.0


class TimedJournal(Journal):
    """The real journal, noting when each append returned (the event is fsynced then) and on which thread."""

    def __init__(self, path) -> None:
        super().__init__(path)
        self.appended: list[tuple[float, float, int]] = []  # (start, end, thread id)

    def append(self, event):
        start = time.monotonic()
        foreign = super().append(event)
        self.appended.append((start, time.monotonic(), threading.get_ident()))
        return foreign


def board_samples(
    ws: Workspace, saves: int, hub: HubAddress | None = None
) -> tuple[list[float], list[float], set[int]]:
    """With `hub`, the board runs its own replicator to that hub (live before the first key), as `--hub` does."""
    journal = TimedJournal(ws.copy_of_large_state("save.state.toml"))
    session = WindowSession(load_plan(ws.large), journal, journal.load())
    app = RelboardApp(session, now=window_clock(session.plan), operator="bench", hub=hub)
    latencies: list[float] = []

    async def scenario(pilot) -> None:
        driver = FrameDriver.latest
        deadline = time.monotonic() + 60
        while hub is not None and not app.hub_state.startswith("hub: live") and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for _ in range(saves + 1):
            await pilot.press("down")
            await pilot.pause()
            while app.writer.pending:
                await asyncio.sleep(0.005)
            key = "b" if app.state.steps[app.selected_step].status is StepStatus.PASS else "p"
            count = len(journal.appended)
            start = time.monotonic()
            driver.send_message(events.Key(key, key))
            deadline = start + 10
            while len(journal.appended) == count and time.monotonic() < deadline:
                await asyncio.sleep(0.0005)
            if len(journal.appended) == count:
                raise RuntimeError("the event was not saved within 10 s")
            latencies.append(journal.appended[count][1] - start)
        del latencies[0]

    run(app, scenario)
    own = [end - begin for begin, end, _ in journal.appended]
    return latencies, own, {thread for _, _, thread in journal.appended}


def disk_floor(ws: Workspace, count: int) -> list[float]:
    block = b"x" * 200
    path = ws.path("floor.bin")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    times = []
    try:
        for _ in range(count + 1):
            start = time.monotonic()
            os.write(fd, block)
            os.fsync(fd)
            times.append(time.monotonic() - start)
    finally:
        os.close(fd)
    return times[1:]


def measure(ws: Workspace) -> list[Figure]:
    latencies, own, threads = board_samples(ws, ws.sizes.saves)
    ui_thread = threading.main_thread().ident
    off_ui = ui_thread not in threads
    value = median(latencies) * 1000
    floor = disk_floor(ws, ws.sizes.saves)
    reference = median(floor) * 1000
    tail, floor_tail = percentile(latencies, 90) * 1000, percentile(floor, 90) * 1000
    return [
        Figure(
            figure="event save, key to fsynced",
            relboard=value,
            reference=reference,
            reference_name="write+fsync",
            unit="ms",
            ratio=ratio(value, reference),
            target=f"≤ {TARGET_MS:g} ms",
            met=value <= TARGET_MS,
            details={"saves": len(latencies), "append_median_ms": round(median(own) * 1000, 2)},
        ),
        Figure(
            # One save in ten: where the writer thread waits for the interpreter while the board repaints.
            figure="event save p90, key to fsynced",
            relboard=tail,
            reference=floor_tail,
            reference_name="write+fsync",
            unit="ms",
            ratio=ratio(tail, floor_tail),
            target="-",
            met=True,
        ),
        Figure(
            figure="event save, off the UI thread",
            relboard=None,
            reference=None,
            unit="",
            shown="yes" if off_ui else "NO",
            target="no append on the UI thread",
            met=off_ui,
            details={"append_threads": sorted(threads), "ui_thread": ui_thread},
        ),
    ]
