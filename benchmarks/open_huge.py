"""Open, huge plans (20,000 and 50,000 steps, a state holding only the window's opening): process start to
first full frame against the minimal app, plan seen before and first open, a few runs each (one of these
opens takes seconds)."""

from __future__ import annotations

from benchmarks import opening
from benchmarks.processes import alternate
from benchmarks.results import Figure
from benchmarks.workspace import Workspace

TARGET = 3.0


def measure(ws: Workspace) -> list[Figure]:
    commands = {"minimal": opening.minimal(ws)}
    for steps in ws.sizes.huge_steps:
        plan, state = ws.plan_of(steps), ws.path(f"huge-{steps}.state.toml")
        commands[f"huge-{steps}"] = opening.board(ws, plan, state)
        commands[f"huge-{steps}-new"] = opening.board(ws, plan, state, first_open=True)
    s = alternate(commands, rounds=ws.sizes.huge_runs)
    rows = []
    for steps in ws.sizes.huge_steps:
        for suffix, kind in ((", plan seen before", f"huge-{steps}"), (", first open", f"huge-{steps}-new")):
            figure = f"open, {steps:,} steps{suffix}"
            rows.append(opening.row(s, figure, kind, "minimal", "minimal app", TARGET))
    return rows
