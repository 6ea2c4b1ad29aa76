"""Memory: peak resident set (VmHWM) at the first full frame, large plan open, against the minimal app."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace

TARGET = 1.5


def measure(ws: Workspace) -> list[Figure]:
    s = opening.samples(ws)
    board, minimal = median(s.rss("large")) / 1024, median(s.rss("minimal")) / 1024
    demo = median(s.rss("demo")) / 1024
    r = ratio(board, minimal)
    return [
        Figure(
            figure=f"memory, {ws.sizes.large_steps:,}-step plan open",
            relboard=board,
            reference=minimal,
            reference_name="minimal app",
            unit="MiB",
            ratio=r,
            target=f"≤ {TARGET}× minimal app",
            met=r is not None and r <= TARGET,
            details={"demo_plan_MiB": round(demo, 1)},
        )
    ]
