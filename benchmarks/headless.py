"""Headless commands: `relboard validate` and `relboard status` on the demo plan, against `python -c "import pydantic"`."""

from __future__ import annotations

import sys

from benchmarks.processes import alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace
from relboard.paths import demo_plan

TARGET = 1.5


def measure(ws: Workspace) -> list[Figure]:
    env = ws.child_env()
    board = ws.relboard_command()
    commands = {
        "pydantic": ([sys.executable, "-c", "import pydantic"], env),
        "validate": (board + ["validate", str(demo_plan())], env),
        "status": (board + ["status", str(ws.demo), "--state", str(ws.demo_state)], env),
    }
    s = alternate(commands, rounds=ws.sizes.command_runs)
    reference = median(s.walls("pydantic")) * 1000
    figures = []
    for name in ("validate", "status"):
        value = median(s.walls(name)) * 1000
        r = ratio(value, reference)
        figures.append(
            Figure(
                figure=f"relboard {name} (demo plan)",
                relboard=value,
                reference=reference,
                reference_name="import pydantic",
                unit="ms",
                ratio=r,
                target=f"≤ {TARGET}× import pydantic",
                met=r is not None and r <= TARGET,
                details={"runs": len(s.walls(name))},
            )
        )
    return figures
