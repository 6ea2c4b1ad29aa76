"""`relboard status --json` and `relboard report` on a window of `journal_events` events (the journal's
`.cache` in place, plan seen before), against the same command on the same plan with an empty state; the
output is written to a file, as a user keeps a report."""

from __future__ import annotations

from benchmarks.processes import Command, alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace

TARGET_S = 1.0


def measure(ws: Workspace) -> list[Figure]:
    env = ws.child_env()
    board = ws.relboard_command()
    long_state, empty_state = ws.copy_of_long_state("commands-long.state.toml"), ws.path("commands-empty.state")
    commands = {}
    for name, argv in (("status --json", ["status", "--json"]), ("report", ["report"])):
        for kind, state in (("long", long_state), ("empty", empty_state)):
            output = ws.path(f"{name.replace(' ', '')}-{kind}.out")
            commands[f"{name} {kind}"] = Command(
                [*board, *argv, str(ws.large), "--state", str(state)], env, output=output
            )
    s = alternate(commands, rounds=max(1, ws.sizes.command_runs // 3))
    figures = []
    for name in ("status --json", "report"):
        value, reference = median(s.walls(f"{name} long")), median(s.walls(f"{name} empty"))
        figures.append(
            Figure(
                figure=f"relboard {name}, {ws.sizes.journal_events:,} events",
                relboard=value,
                reference=reference,
                reference_name="empty state",
                unit="s",
                ratio=ratio(value, reference),
                target=f"≤ {TARGET_S:g} s",
                met=value <= TARGET_S,
                details={"runs": len(s.walls(f"{name} long"))},
            )
        )
    return figures
