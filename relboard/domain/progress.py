"""Checklist progress per phase and overall, and the seed's "release is complete" rule."""

from __future__ import annotations

from dataclasses import dataclass

from relboard.domain.events import StepStatus
from relboard.domain.plan import Phase
from relboard.domain.state import WindowState


@dataclass(frozen=True)
class Progress:
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


def _count(label: str, statuses: list[StepStatus]) -> Progress:
    return Progress(
        label=label,
        total=len(statuses),
        passed=statuses.count(StepStatus.PASS),
        failed=statuses.count(StepStatus.FAIL),
        skipped=statuses.count(StepStatus.SKIP),
        blocked=statuses.count(StepStatus.BLOCKED),
    )


def by_phase(state: WindowState) -> list[Progress]:
    """One entry per phase that has steps, in the order a window runs them."""
    grouped: dict[Phase, list[StepStatus]] = {phase: [] for phase in Phase}
    for step in state.plan.steps:
        grouped[step.phase].append(state.steps[step.id].status)
    return [_count(phase.value, statuses) for phase, statuses in grouped.items() if statuses]


def overall(state: WindowState) -> Progress:
    return _count("overall", [s.status for s in state.steps.values()])


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
    return not completion_blockers(state)
