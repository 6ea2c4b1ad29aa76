"""Key to frame on the large plan: a key that marks the selected step, until the frame that shows it.

In-process. Each sample moves to the next step first (untimed), then presses `p` (or `b` when the step
has already passed), and stops the clock at the first frame rendered after the step's line in the
checklist changed whose output holds the new glyph. The reference is the minimal app with one key that
changes its Static, measured the same way.
"""

from __future__ import annotations

import asyncio

from benchmarks.child.frame_driver import FrameDriver
from benchmarks.child.minimal_app import MinimalApp
from benchmarks.inprocess import key_to_frame, run, window_clock
from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.domain.events import StepStatus
from relboard.ui.app import RelboardApp
from relboard.ui.panes.checklist import ChecklistPane
from relboard.window.session import WindowSession

MEDIAN_MS, P95_MS = 16.0, 50.0
HUGE_RATIO = 2.0  # the median on the huge plans against the large plan's
GLYPH = {"p": "✔", "b": "⊘"}


def board_samples(ws: Workspace, presses: int, plan=None, state=None) -> list[float]:
    session = WindowSession.open(plan or ws.large, state or ws.copy_of_large_state("keys.state.toml"))
    app = RelboardApp(session, now=window_clock(session.plan), operator="bench")
    times: list[float] = []

    async def scenario(pilot) -> None:
        driver = FrameDriver.latest
        checklist = app.query_one(ChecklistPane)
        for _ in range(presses + 1):  # the first one warms up
            await pilot.press("down")
            await pilot.pause()
            step_id = app.selected_step
            key = "b" if app.state.steps[step_id].status is StepStatus.PASS else "p"
            before = checklist.line_of(step_id).plain

            def shows(frame: str, key: str = key, step_id: str = step_id, before: str = before) -> bool:
                return GLYPH[key] in frame and checklist.line_of(step_id).plain != before

            times.append(await key_to_frame(driver, key, shows))
            await asyncio.sleep(0.05)  # let the save and its indicator finish, as between two real key presses
        del times[0]

    run(app, scenario)
    return times


def minimal_samples(presses: int) -> list[float]:
    app = MinimalApp()
    times: list[float] = []

    async def scenario(pilot) -> None:
        driver = FrameDriver.latest
        for number in range(1, presses + 2):
            await pilot.pause()
            times.append(await key_to_frame(driver, "p", lambda frame, n=number: f"marked {n}" in frame))
        del times[0]

    run(app, scenario)
    return times


def measure(ws: Workspace) -> list[Figure]:
    board = [t * 1000 for t in board_samples(ws, ws.sizes.key_presses)]
    minimal = [t * 1000 for t in minimal_samples(ws.sizes.key_presses)]
    figures = []
    for label, pick, target in (("median", median, MEDIAN_MS), ("p95", lambda v: percentile(v, 95), P95_MS)):
        value, reference = pick(board), pick(minimal)
        figures.append(
            Figure(
                figure=f"key to frame {label}, {ws.sizes.large_steps:,} steps",
                relboard=value,
                reference=reference,
                reference_name="minimal app",
                unit="ms",
                ratio=ratio(value, reference),
                target=f"≤ {target:g} ms",
                met=value <= target,
                details={"presses": len(board), "max_ms": round(max(board), 1)},
            )
        )
    base = median(board)
    for steps in ws.sizes.huge_steps:
        plan = ws.plan_of(steps)
        huge = [t * 1000 for t in board_samples(ws, ws.sizes.huge_presses, plan, ws.path(f"keys-{steps}.state.toml"))]
        value = median(huge)
        r = ratio(value, base)
        figures.append(
            Figure(
                figure=f"key to frame median, {steps:,} steps",
                relboard=value,
                reference=base,
                reference_name=f"{ws.sizes.large_steps:,} steps",
                unit="ms",
                ratio=r,
                target=f"≤ {HUGE_RATIO:g}× {ws.sizes.large_steps:,} steps",
                met=r is not None and r <= HUGE_RATIO,
                details={"presses": len(huge), "p95_ms": round(percentile(huge, 95), 1), "max_ms": round(max(huge), 1)},
            )
        )
    return figures
