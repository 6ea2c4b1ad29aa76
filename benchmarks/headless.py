"""Headless commands: `relboard validate` and `relboard status` on the demo plan.

Two references, measured alternately in the same run:
- the issue's, `python -c "import pydantic"`, with its target of 1.5×. That command loads only pydantic's
  lazy shell (no BaseModel, no validator), so it is lighter than anything that validates a plan;
- `python -c "from pydantic import BaseModel"`, the least a command that validates with pydantic must
  import, with the target of 2× that we propose: defining one model and validating one dict already
  costs about 1.5× BaseModel here, before relboard reads a file.

Every process runs with bytecode caching on (see Workspace.child_env); the warm-up run fills the cache.
"""

from __future__ import annotations

import sys

from benchmarks.processes import alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace
from relboard.store.paths import demo_plan

TARGET = 1.5
TARGET_BASEMODEL = 2.0

# (name in the samples, how the table names it, target)
REFERENCES = (
    ("pydantic", "import pydantic", TARGET),
    ("basemodel", "from pydantic import BaseModel", TARGET_BASEMODEL),
)


def measure(ws: Workspace) -> list[Figure]:
    env = ws.child_env()
    board = ws.relboard_command()
    commands = {
        "pydantic": ([sys.executable, "-c", "import pydantic"], env),
        "basemodel": ([sys.executable, "-c", "from pydantic import BaseModel"], env),
        "validate": ([*board, "validate", str(demo_plan())], env),
        "status": ([*board, "status", str(ws.demo), "--state", str(ws.demo_state)], env),
    }
    s = alternate(commands, rounds=ws.sizes.command_runs)
    figures = []
    for name in ("validate", "status"):
        value = median(s.walls(name)) * 1000
        for kind, reference_name, target in REFERENCES:
            reference = median(s.walls(kind)) * 1000
            r = ratio(value, reference)
            figures.append(
                Figure(
                    figure=f"relboard {name} (demo plan)" + ("" if kind == "pydantic" else ", vs BaseModel"),
                    relboard=value,
                    reference=reference,
                    reference_name=reference_name,
                    unit="ms",
                    ratio=r,
                    target=f"≤ {target:g}× {reference_name}",
                    met=r is not None and r <= target,
                    details={"runs": len(s.walls(name))},
                )
            )
    return figures
