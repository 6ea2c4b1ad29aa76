"""Lookup while typing: keys typed into the board's lookup, whose plan holds `symptoms` symptoms, each until
the frame that shows the input with that key in it. Queries are typed a key at a time with pauses of 40 to
260 ms, as people type, so that the debounced search runs between some keys and not others; each key's
latency counts whatever the board was doing when it came. The reference is the minimal app's key to frame."""

from __future__ import annotations

import asyncio
import random
import re

from benchmarks import synthetic
from benchmarks.child.frame_driver import FrameDriver
from benchmarks.inprocess import key_to_frame, run, window_clock
from benchmarks.keys import minimal_samples
from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.ui.app import RelboardApp
from relboard.ui.panes.lookup import LookupPane
from relboard.window.session import WindowSession

P95_MS = 16.0
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
QUERIES = ("connector fails after upgrade", "login loop sso", "certficate expird", "queue backlog stuck export")


def board_samples(ws: Workspace, keys: int) -> list[float]:
    plan = synthetic.plan_with_symptoms(ws.folder, ws.sizes.symptoms)
    session = WindowSession.open(plan, ws.path("typing.state.toml"))
    app = RelboardApp(session, now=window_clock(session.plan), operator="bench")
    rng = random.Random(synthetic.SEED)
    times: list[float] = []

    async def scenario(pilot) -> None:
        driver = FrameDriver.latest
        await pilot.press("2")
        await pilot.pause()
        pane = app.query_one(LookupPane)
        pane.focus_primary()
        await pilot.pause()
        typed = 0
        while typed < keys:
            for query in QUERIES:
                await pilot.press("ctrl+u")  # clear the input, untimed
                await asyncio.sleep(0.3)
                for length in range(1, len(query) + 1):
                    shown = query[:length]
                    key = "space" if shown[-1] == " " else shown[-1]

                    def shows(frame: str, shown: str = shown) -> bool:
                        return shown in _ESCAPE.sub("", frame)

                    times.append(await key_to_frame(driver, key, shows, character=shown[-1]))
                    typed += 1
                    await asyncio.sleep(rng.uniform(0.04, 0.26))
                    if typed >= keys:
                        return

    run(app, scenario)
    return times


def measure(ws: Workspace) -> list[Figure]:
    board = [t * 1000 for t in board_samples(ws, ws.sizes.typing_keys)]
    minimal = [t * 1000 for t in minimal_samples(ws.sizes.key_presses)]
    figures = []
    for label, pick, target in (("median", median, None), ("p95", lambda v: percentile(v, 95), P95_MS)):
        value, reference = pick(board), pick(minimal)
        figures.append(
            Figure(
                figure=f"lookup while typing {label}, {ws.sizes.symptoms:,} symptoms",
                relboard=value,
                reference=reference,
                reference_name="minimal app key to frame",
                unit="ms",
                ratio=ratio(value, reference),
                target=f"≤ {target:g} ms per key" if target else "-",
                met=target is None or value <= target,
                details={"keys": len(board), "max_ms": round(max(board), 1)},
            )
        )
    return figures
