"""A plan that runs commands is code: the exact list an operator approves before any of it runs.

Each line names the step, the folder the command runs in (resolved against the plan's folder, so a
copy of the plan elsewhere is a different list) and the argv, shell-quoted for reading only. The
digest of those lines is what an approval is for.
"""

from __future__ import annotations

import hashlib
import posixpath
import shlex
from dataclasses import dataclass

from relboard.domain.events import CommandsApproved
from relboard.domain.plan import Plan
from relboard.domain.state import WindowState


@dataclass(frozen=True)
class PlanCommand:
    step: str
    argv: tuple[str, ...]
    cwd: str
    env: tuple[str, ...]

    def line(self) -> str:
        passed = f" [env: {', '.join(self.env)}]" if self.env else ""
        return f"{self.step}: in {self.cwd}: {shlex.join(self.argv)}{passed}"


def plan_commands(plan: Plan, plan_dir: str) -> list[PlanCommand]:
    """Every command check of the plan, in plan order, with its folder made absolute."""
    found = []
    for step in plan.steps:
        spec = step.probe
        if spec is None or spec.run is None:
            continue
        folder = posixpath.normpath(posixpath.join(plan_dir, spec.cwd))
        found.append(PlanCommand(step.id, tuple(spec.run), folder, tuple(spec.env)))
    return found


def approval_lines(commands: list[PlanCommand]) -> list[str]:
    return [command.line() for command in commands]


def approval_digest(plan_hash: str, lines: list[str]) -> str:
    text = "\n".join([plan_hash, *lines])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def approved_in_state(state: WindowState, digest: str) -> CommandsApproved | None:
    """The last approval recorded in this window for exactly these commands, if any."""
    for event in reversed(state.approvals):
        if event.digest == digest:
            return event
    return None
