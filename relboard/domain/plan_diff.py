"""How two plans of one window differ, step by step (a teammate's plan against the one on the hub)."""

from __future__ import annotations

from msgspec import Struct

from relboard.domain.plan import Plan


class StepDifferences(Struct, frozen=True):
    only_mine: tuple[str, ...]
    only_theirs: tuple[str, ...]
    changed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.only_mine or self.only_theirs or self.changed)

    def text(self) -> str:
        parts = []
        if self.only_mine:
            parts.append("only in yours: " + ", ".join(self.only_mine))
        if self.only_theirs:
            parts.append("only in the hub's: " + ", ".join(self.only_theirs))
        if self.changed:
            parts.append("changed: " + ", ".join(self.changed))
        return "; ".join(parts) or "the steps are the same (other parts differ)"


def step_differences(mine: Plan, theirs: Plan) -> StepDifferences:
    their_steps = {s.id: s for s in theirs.steps}
    my_ids = {s.id for s in mine.steps}
    return StepDifferences(
        only_mine=tuple(s.id for s in mine.steps if s.id not in their_steps),
        only_theirs=tuple(s.id for s in theirs.steps if s.id not in my_ids),
        changed=tuple(s.id for s in mine.steps if s.id in their_steps and their_steps[s.id] != s),
    )
