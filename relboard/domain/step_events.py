"""The events that mark or start a step, noting the prerequisites it still waited on.

Marking or starting a step whose prerequisites have not passed is allowed (reality wins); the
event says what it waited on, so the timeline and the report show it. The board and
`relboard mark` build their step events here.
"""

from __future__ import annotations

from datetime import datetime

from relboard.domain.dependencies import SETTLED, prerequisites_of
from relboard.domain.events import StepMarked, StepStarted, StepStatus
from relboard.domain.state import WindowState


def waiting_on(state: WindowState, step_id: str) -> list[str]:
    """The prerequisites of `step_id` that have not passed or been skipped, in the plan's order."""
    return [p for p in prerequisites_of(state.plan, step_id) if state.steps[p].status not in SETTLED]


def mark_event(
    state: WindowState, step_id: str, status: StepStatus, *, at: datetime, by: str, note: str = ""
) -> StepMarked:
    # Back to pending is not work done on the step: nothing to note.
    waited = [] if status is StepStatus.PENDING else waiting_on(state, step_id)
    return StepMarked(at=at, by=by, step=step_id, status=status, note=note, waited_on=waited)


def start_event(state: WindowState, step_id: str, *, at: datetime, by: str, note: str = "") -> StepStarted:
    return StepStarted(at=at, by=by, step=step_id, note=note, waited_on=waiting_on(state, step_id))
