"""Open, demo plan: process start to the first full frame, against the minimal Textual app (plan seen before,
and a first open), and against the minimal app that first opens the demo plan's window session (the floor any
board of this plan has)."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.results import Figure
from benchmarks.workspace import Workspace

TARGET = 1.3
FIRST_TARGET = 1.6
FLOOR_TARGET = 1.5


def measure(ws: Workspace) -> list[Figure]:
    return opening.compared(
        ws,
        "open, demo plan",
        "demo",
        "session-demo",
        target=TARGET,
        floor_target=FLOOR_TARGET,
        first_target=FIRST_TARGET,
    )
