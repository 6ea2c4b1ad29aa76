"""Which steps the plan gained and lost over the window, for `status` and `report`."""

from __future__ import annotations

from relboard.domain.events import PlanLoaded
from relboard.domain.state import PlanChange, WindowState


def steps_changed(state: WindowState, plan_hash: str) -> PlanChange | None:
    """The steps added and removed since the state first recorded a plan; None when there are none.

    Once the edited plan has been recorded too (any command that writes records it), the latest record
    matches the plan and says nothing; the change still holds for everything recorded before it, so
    this compares with the first plan recorded and names every step id any recorded plan had."""
    latest = state.plan_change(plan_hash)
    loads = [event for event in state.events if isinstance(event, PlanLoaded)]
    if not loads:
        return latest
    now = [step.id for step in state.plan.steps]
    current = set(now)
    first = set(loads[0].step_ids)
    removed: dict[str, None] = {}
    for load in loads:
        removed.update((step, None) for step in load.step_ids if step not in current)
    change = PlanChange(added=tuple(step for step in now if step not in first), removed=tuple(removed))
    return change if change else latest
