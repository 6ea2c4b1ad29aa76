"""Open, demo plan: process start to the first full frame, against the minimal Textual app."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace

TARGET = 1.3


def measure(ws: Workspace) -> list[Figure]:
    s = opening.samples(ws)
    board, minimal = median(s.frames("demo")) * 1000, median(s.frames("minimal")) * 1000
    r = ratio(board, minimal)
    return [
        Figure(
            figure="open, demo plan",
            relboard=board,
            reference=minimal,
            reference_name="minimal app",
            unit="ms",
            ratio=r,
            target=f"≤ {TARGET}× minimal app",
            met=r is not None and r <= TARGET,
            details={"runs": len(s.frames("demo")), "relboard_ms": _ms(s.frames("demo")), "minimal_ms": _ms(s.frames("minimal"))},
        )
    ]


def _ms(values: list[float]) -> list[float]:
    return [round(v * 1000, 1) for v in values]
