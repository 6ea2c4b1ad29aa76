"""Rollback criteria against the live state, and a plain-words recommendation."""

from __future__ import annotations

from dataclasses import dataclass

from relboard.domain.clock import DEADLINE_WARNING, ClockReading
from relboard.domain.durations import format_clock
from relboard.domain.events import CriterionMarked, Decision, StepStatus
from relboard.domain.identity import is_later, is_later_or_same
from relboard.domain.plan import Criterion
from relboard.domain.state import WindowState


@dataclass(frozen=True)
class CriterionStatus:
    criterion: Criterion
    tripped: bool
    failed_steps: tuple[str, ...]
    mark: CriterionMarked | None

    @property
    def why(self) -> str:
        if self.mark is not None:
            verb = "marked tripped" if self.mark.tripped else "cleared"
            return f"{verb} by {self.mark.by or 'operator'}: {self.mark.reason}"
        if self.failed_steps:
            return "failed: " + ", ".join(self.failed_steps)
        return ""


def evaluate(state: WindowState) -> list[CriterionStatus]:
    """A criterion trips when a linked step fails; an operator's mark wins until a step fails again."""
    result = []
    for criterion in state.plan.rollback.criteria:
        failed = tuple(
            sid for sid in criterion.trips_on if sid in state.steps and state.steps[sid].status is StepStatus.FAIL
        )
        mark = state.criteria_marks.get(criterion.id)
        if mark is not None and any(_failed_after(state, sid, mark) for sid in failed):
            # A failure after the operator's mark speaks louder than the mark.
            mark = None
        tripped = mark.tripped if mark is not None else bool(failed)
        result.append(CriterionStatus(criterion, tripped, failed, mark))
    return result


def _failed_after(state: WindowState, step_id: str, mark: CriterionMarked) -> bool:
    source = state.steps[step_id].source
    return source is not None and is_later(source, mark)


def recommendation(state: WindowState, clock: ClockReading) -> str:
    statuses = evaluate(state)
    tripped = [s.criterion.id for s in statuses if s.tripped]
    owners = " and ".join(state.plan.decision_owners)
    last = state.last_decision
    # A decision stands until a criterion is marked after it (by hybrid clock, or wall time for older events).
    standing = last is not None and all(is_later_or_same(last, s.mark) for s in statuses if s.mark)
    decided = f"Decided: {last.decision.value} ({last.by or 'operator'})." if standing and last else ""
    if tripped and standing and last and last.decision is not Decision.CONTINUE:
        # Already decided: say what stands, not "decide now".
        return f"{decided} Criteria tripped: {', '.join(tripped)}."
    if tripped:
        text = (
            f"Rollback criteria tripped: {', '.join(tripped)}. Decide with {owners} now: pause, roll back or"
            " reschedule."
        )
        if clock.deadline_passed:
            text += " The rollback deadline has passed: a rollback now overruns the window."
        else:
            text += f" {format_clock(clock.deadline_left)} left to decide."
        return f"{decided} {text}".strip()
    if clock.deadline_passed:
        return (
            decided + " Rollback deadline passed; no criterion is tripped. A rollback now would overrun the window."
        ).strip()
    if clock.deadline_left <= DEADLINE_WARNING:
        return (
            f"{decided} Rollback deadline in {format_clock(clock.deadline_left)}: confirm with {owners} that"
            " the release continues."
        ).strip()
    return (decided + " No criterion tripped: continue.").strip()
