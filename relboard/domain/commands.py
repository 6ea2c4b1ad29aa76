"""A plan that runs commands is code: the exact list an operator approves before any of it runs.

Each line names the step, the folder the command runs in (resolved against the plan's folder, so a
copy of the plan elsewhere is a different list) and the argv, shell-quoted for reading only. The
digest of the plan's hash and those lines is what an approval is for.
"""

from __future__ import annotations

import posixpath
import shlex

from msgspec import Struct

from relboard.domain.digests import sha256_hex
from relboard.domain.events import CommandsApproved, Event
from relboard.domain.intents import Refusal, Stamp
from relboard.domain.plan import Plan
from relboard.domain.state import WindowState


class PlanCommand(Struct, frozen=True):
    step: str
    argv: tuple[str, ...]
    cwd: str
    env: tuple[str, ...]

    def line(self) -> str:
        passed = f" [env: {', '.join(self.env)}]" if self.env else ""
        return f"{self.step}: in {self.cwd}: {shlex.join(self.argv)}{passed}"


class CommandList(Struct, frozen=True):
    """The plan's command checks as the operator sees and approves them."""

    plan_hash: str
    commands: tuple[PlanCommand, ...]

    @property
    def lines(self) -> list[str]:
        return [command.line() for command in self.commands]

    @property
    def digest(self) -> str:
        text = "\n".join([self.plan_hash, *self.lines])
        return sha256_hex(text.encode("utf-8"))

    def approve(self) -> ApproveCommands:
        """The intent to record (through the recorder) once the operator said yes to `lines`."""
        return ApproveCommands(self.plan_hash, self.digest, tuple(self.lines))


def command_list(plan: Plan, plan_dir: str, plan_hash: str) -> CommandList:
    """Every command check of the plan, in plan order, with its folder made absolute."""
    found = []
    for step in plan.steps:
        spec = step.probe
        if spec is None or spec.run is None:
            continue
        folder = posixpath.normpath(posixpath.join(plan_dir, spec.cwd))
        found.append(PlanCommand(step.id, tuple(spec.run), folder, tuple(spec.env)))
    return CommandList(plan_hash, tuple(found))


class ApproveCommands(Struct, frozen=True):
    plan_hash: str
    digest: str
    commands: tuple[str, ...]

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if not self.commands:
            return Refusal("the plan runs no commands; there is nothing to approve")
        return CommandsApproved(
            at=stamp.at, by=stamp.by, plan_hash=self.plan_hash, digest=self.digest, commands=list(self.commands)
        )


def approved_in_state(state: WindowState, digest: str) -> CommandsApproved | None:
    """The last approval recorded in this window for exactly these commands, if any."""
    for event in reversed(state.approvals):
        if event.digest == digest:
            return event
    return None
