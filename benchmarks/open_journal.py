"""Open, a long window: the large plan with a state of `journal_events` events (about 5 % of them known
issues opened, ~5,000 in the full suite) against the same board with an empty state, both plans seen before
and the state's `.cache` in place (the warm-up open writes it), to the first full frame."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.processes import alternate
from benchmarks.results import Figure
from benchmarks.workspace import Workspace

TARGET = 2.0


def measure(ws: Workspace) -> list[Figure]:
    commands = {
        "long": opening.board(ws, ws.large, ws.copy_of_long_state("open-long.state.toml")),
        "empty": opening.board(ws, ws.large, ws.path("open-empty.state.toml")),
    }
    s = alternate(commands, rounds=ws.sizes.open_runs)
    figure = f"open, {ws.sizes.large_steps:,} steps + {ws.sizes.journal_events:,} events"
    return [opening.row(s, figure, "long", "empty", "same board, empty state", TARGET)]
