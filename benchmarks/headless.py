"""Headless commands on the demo plan: `relboard validate`, and `relboard status` and `relboard mark` with the
plan seen before (its validated copy in the user cache) and as a first open (the cache emptied, untimed).

Two references, measured alternately in the same run:
- the issue's, `python -c "import pydantic"`, with its target of 1.5×. That command loads only pydantic's
  lazy shell (no BaseModel, no validator);
- `python -c "from pydantic import BaseModel"`, the least a command that validates with pydantic must
  import: `validate` always validates, so its row stands against this one, with the target of 2× that we
  propose (defining one model and validating one dict already costs about 1.5× BaseModel here).

Each `mark` sets the demo plan's first step to pass or to fail in turn, so that every run records an event.
Every process runs with bytecode caching on (see Workspace.child_env); the warm-up run fills the cache.
"""

from __future__ import annotations

import itertools
import sys

from benchmarks.processes import Command, alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace
from relboard.store.paths import demo_plan
from relboard.store.plan_file import load_plan

TARGET = 1.5
TARGET_BASEMODEL = 2.0


def mark_argv(ws: Workspace, plan, state) -> Command:
    step = load_plan(plan).plan.steps[0].id
    turn = itertools.count()
    board = ws.relboard_command()

    def argv() -> list[str]:
        status = ("pass", "fail")[next(turn) % 2]
        return [*board, "mark", str(plan), step, status, "--state", str(state), "--by", "bench"]

    return Command(argv, ws.child_env())


def measure(ws: Workspace) -> list[Figure]:
    env = ws.child_env()
    board = ws.relboard_command()
    status = [*board, "status", str(ws.demo), "--state", str(ws.demo_state)]
    mark = mark_argv(ws, ws.demo, ws.demo_state)
    # validate keeps what it validated in the cache: its own copy (one byte more), so that it never makes the
    # demo's first open a second one.
    validated = ws.path("demo-validate.toml")
    validated.write_bytes(demo_plan().read_bytes() + b"\n")
    commands = {
        "pydantic": Command([sys.executable, "-c", "import pydantic"], env),
        "basemodel": Command([sys.executable, "-c", "from pydantic import BaseModel"], env),
        "validate": Command([*board, "validate", str(validated)], env),
        "status": Command(status, env),
        "status-new": Command(status, env, ws.forgetting(ws.demo)),
        "mark": mark,
        "mark-new": Command(mark.argv, env, ws.forgetting(ws.demo)),
    }
    s = alternate(commands, rounds=ws.sizes.command_runs)

    def row(figure: str, kind: str, reference_kind: str, reference_name: str, target: float | None) -> Figure:
        value, reference = median(s.walls(kind)) * 1000, median(s.walls(reference_kind)) * 1000
        r = ratio(value, reference)
        return Figure(
            figure=figure,
            relboard=value,
            reference=reference,
            reference_name=reference_name,
            unit="ms",
            ratio=r,
            target=f"≤ {target:g}× {reference_name}" if target is not None else "-",
            met=target is None or (r is not None and r <= target),
            details={"runs": len(s.walls(kind))},
        )

    pyd, base = "import pydantic", "from pydantic import BaseModel"
    return [
        row("relboard validate (demo plan)", "validate", "pydantic", pyd, TARGET),
        row("relboard validate (demo plan), vs BaseModel", "validate", "basemodel", base, TARGET_BASEMODEL),
        row("relboard status (demo plan), plan seen before", "status", "pydantic", pyd, TARGET),
        row("relboard status (demo plan), first open", "status-new", "pydantic", pyd, None),
        row("relboard mark (demo plan), plan seen before", "mark", "pydantic", pyd, TARGET),
        row("relboard mark (demo plan), first open", "mark-new", "pydantic", pyd, None),
    ]
