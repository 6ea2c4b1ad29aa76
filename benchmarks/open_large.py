"""Open, large plan (5,000 steps, 2,000 events in its state): process start to first full frame, against the
minimal app (plan seen before, and a first open), and against the minimal app that first opens the same window
session."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.results import Figure
from benchmarks.workspace import Workspace

TARGET = 1.6
FIRST_TARGET = 2.5
FLOOR_TARGET = 1.5


def measure(ws: Workspace) -> list[Figure]:
    figure = f"open, {ws.sizes.large_steps:,} steps + {ws.sizes.large_events:,} events"
    return opening.compared(
        ws, figure, "large", "session-large", target=TARGET, floor_target=FLOOR_TARGET, first_target=FIRST_TARGET
    )
