"""Checklist progress per phase and overall, and the seed's "release is complete" rule."""

from __future__ import annotations

from collections import Counter

from msgspec import Struct

from relboard.domain.events import StepStatus
from relboard.domain.state import WindowState


class Progress(Struct, frozen=True):
    label: str
    total: int
    passed: int
    failed: int
    skipped: int
    blocked: int

    @property
    def done(self) -> int:
        """Settled steps: passed or deliberately skipped."""
        return self.passed + self.skipped

    @property
    def pending(self) -> int:
        return self.total - self.passed - self.failed - self.skipped - self.blocked


def _count(label: str, counts: Counter[StepStatus]) -> Progress:
    return Progress(
        label=label,
        total=counts.total(),
        passed=counts[StepStatus.PASS],
        failed=counts[StepStatus.FAIL],
        skipped=counts[StepStatus.SKIP],
        blocked=counts[StepStatus.BLOCKED],
    )


def by_phase(state: WindowState) -> list[Progress]:
    """One entry per phase that has steps, in the order a window runs them (counted as events come)."""
    return [_count(phase.value, counts) for phase, counts in state.tally.by_phase.items() if counts.total()]


def overall(state: WindowState) -> Progress:
    return _count("overall", state.tally.overall)


def completion_blockers(state: WindowState) -> list[str]:
    """What stands between the window and the seed's expected result; empty means complete."""
    blockers = [
        f"critical step {step.id} is {state.steps[step.id].status.value}"
        for step in state.plan.steps
        if step.critical and state.steps[step.id].status is not StepStatus.PASS
    ]
    blockers += [
        f"open known issue {issue.title!r} has no follow-up owner"
        for issue in state.open_issues
        if not issue.owner.strip()
    ]
    if not state.completion_notice_recorded:
        blockers.append("completion notice not recorded")
    return blockers


def is_complete(state: WindowState) -> bool:
    """completion_blockers(state) == [], without listing every critical step still open."""
    if state.tally.critical_open or not state.completion_notice_recorded:
        return False
    return all(issue.owner.strip() for issue in state.open_issues)
