"""`relboard mark` on a long journal (`mark_events` events, plan seen before, the journal's `.cache` in place)
against the same mark on an empty journal, alternately. A deploy script calls mark once per step: appending
one event must not cost a read of the whole window."""

from __future__ import annotations

from benchmarks import synthetic
from benchmarks.headless import mark_argv
from benchmarks.processes import Command, alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace

TARGET = 1.2


def measure(ws: Workspace) -> list[Figure]:
    count = ws.sizes.mark_events
    long_state = synthetic.state_file(ws.large, ws.path("mark-long.state.toml"), count)
    empty_state = ws.path("mark-empty.state.toml")
    empty = mark_argv(ws, ws.large, empty_state)

    def start_empty() -> None:
        empty_state.unlink(missing_ok=True)

    commands = {
        "long": mark_argv(ws, ws.large, long_state),
        "empty": Command(empty.argv, empty.env, start_empty),
    }
    s = alternate(commands, rounds=ws.sizes.command_runs)
    value, reference = median(s.walls("long")) * 1000, median(s.walls("empty")) * 1000
    r = ratio(value, reference)
    return [
        Figure(
            figure=f"relboard mark, {count:,}-event journal",
            relboard=value,
            reference=reference,
            reference_name="same mark, empty journal",
            unit="ms",
            ratio=r,
            target=f"≤ {TARGET:g}× same mark, empty journal",
            met=r is not None and r <= TARGET,
            details={"runs": len(s.walls("long"))},
        )
    ]
