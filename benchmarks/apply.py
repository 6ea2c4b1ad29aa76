"""One event applied on a board: the UI thread's work for one step marked (the recorder folds it, then the
board brings its header counts, standing and panes up to date), on the largest huge plan against the same on
the large plan. In-process, `applied` events, each on the next step; the save itself runs on the writer's
thread and is not counted."""

from __future__ import annotations

import asyncio
import time

from benchmarks.inprocess import run, window_clock
from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.domain.events import StepStatus
from relboard.domain.intents import MarkStep
from relboard.ui.app import RelboardApp
from relboard.window.session import WindowSession

TARGET_MS = 5.0


def samples(plan, state, count: int) -> list[float]:
    session = WindowSession.open(plan, state)
    app = RelboardApp(session, now=window_clock(session.plan), operator="bench")
    times: list[float] = []
    steps = [step.id for step in session.plan.steps]

    async def scenario(pilot) -> None:
        await pilot.pause()
        for number in range(count + 1):
            step = steps[(number * 97) % len(steps)]
            status = StepStatus.FAIL if app.state.steps[step].status is StepStatus.PASS else StepStatus.PASS
            start = time.perf_counter()
            app.record(MarkStep(step, status))
            app._refresh_views()  # what the board runs for it on its next turn, here at once to time it alone
            times.append(time.perf_counter() - start)
            await pilot.pause()
            while app.writer.pending:
                await asyncio.sleep(0.005)
        del times[0]

    run(app, scenario)
    return times


def measure(ws: Workspace) -> list[Figure]:
    steps = max(ws.sizes.huge_steps)
    base = [t * 1000 for t in samples(ws.large, ws.path("apply-large.state.toml"), ws.sizes.applied)]
    huge = [t * 1000 for t in samples(ws.plan_of(steps), ws.path("apply-huge.state.toml"), ws.sizes.applied)]
    figures = []
    for label, pick in (("median", median), ("p95", lambda v: percentile(v, 95))):
        value, reference = pick(huge), pick(base)
        figures.append(
            Figure(
                figure=f"one event applied {label}, {steps:,} steps",
                relboard=value,
                reference=reference,
                reference_name=f"{ws.sizes.large_steps:,} steps",
                unit="ms",
                ratio=ratio(value, reference),
                target=f"≤ {TARGET_MS:g} ms",
                met=value <= TARGET_MS,
                details={"events": len(huge)},
            )
        )
    return figures
