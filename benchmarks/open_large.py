"""Open, large plan (5,000 steps, 2,000 events in its state): process start to first full frame, against the minimal app."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.open_demo import _ms
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace

TARGET = 2.0


def measure(ws: Workspace) -> list[Figure]:
    s = opening.samples(ws)
    board, minimal = median(s.frames("large")) * 1000, median(s.frames("minimal")) * 1000
    r = ratio(board, minimal)
    return [
        Figure(
            figure=f"open, {ws.sizes.large_steps:,} steps + {ws.sizes.large_events:,} events",
            relboard=board,
            reference=minimal,
            reference_name="minimal app",
            unit="ms",
            ratio=r,
            target=f"≤ {TARGET}× minimal app",
            met=r is not None and r <= TARGET,
            details={"runs": len(s.frames("large")), "relboard_ms": _ms(s.frames("large")), "minimal_ms": _ms(s.frames("minimal"))},
        )
    ]
