"""Memory: peak resident set (VmHWM) at the first full frame, large plan open (seen before), against the
minimal app, and against the minimal app that first opens the same window session."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.results import Figure
from benchmarks.workspace import Workspace

TARGET = 1.5
FLOOR_TARGET = 1.25


def measure(ws: Workspace) -> list[Figure]:
    figure = f"memory, {ws.sizes.large_steps:,}-step plan open"
    return opening.compared(ws, figure, "large", "session-large", target=TARGET, floor_target=FLOOR_TARGET, memory=True)
