"""How long a step has been running, and how long it took. Pure; `now` is passed in."""

from __future__ import annotations

from datetime import datetime, timedelta

from relboard.domain.dependencies import SETTLED
from relboard.domain.events import StepStatus
from relboard.domain.step_state import StepState


def in_progress(step: StepState) -> bool:
    """Started, not settled, and the start is the latest thing recorded on it (a mark after the start,
    "back to pending" included, ends the attempt)."""
    if step.started_at is None or step.status in SETTLED:
        return False
    return step.at is None or step.started_at >= step.at


def elapsed(step: StepState, now: datetime) -> timedelta | None:
    """Time since the start of a step in progress; None when it is not in progress."""
    if not in_progress(step) or step.started_at is None:
        return None
    return max(now - step.started_at, timedelta(0))


def took(step: StepState, ready_at: datetime | None) -> timedelta | None:
    """How long a passed step took: from its start, or, passed without one, from `ready_at` (the moment
    its prerequisites were all settled, or the window start for a step that waits on none).

    None when the step has not passed or the span cannot be measured (it passed before it was ready).
    """
    if step.status is not StepStatus.PASS or step.at is None:
        return None
    began = step.started_at if step.started_at is not None and step.started_at <= step.at else ready_at
    if began is None or began > step.at:
        return None
    return step.at - began
