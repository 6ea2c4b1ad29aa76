"""The close code a change ticket gets, derived from the window state alone.

The rule, applied in this order (the first that holds decides):

1. **rolled back** — the last recorded decision is `rollback`.
2. **rescheduled** — the last recorded decision is `reschedule`.
3. **unsuccessful** — a critical step did not pass: it failed, was blocked or skipped, or was never
   marked. The change is not verified, whatever else happened.
4. **successful with issues** — every critical step passed, but at least one of these holds:
   a non-critical step failed, is blocked or was never marked; a known issue opened during the
   window is still open; an open known issue has no follow-up owner; a rollback criterion is still
   tripped, or unverified (a linked step skipped, or never marked while the change moved on); no
   delivered after-window notice is recorded.
5. **successful** — every critical step passed and none of the points in 4 holds.

"Last decision" means the latest one (by hybrid clock when the decisions carry one, by wall time
otherwise, so a machine whose clock runs fast does not win), so a rollback later overturned by a
recorded `continue` does not count; `continue` and `pause` never decide the code by themselves (a window
left on pause ends with its critical steps unpassed, which rule 3 covers). A skipped non-critical
step is a deliberate choice and does not count as an issue; known issues accepted in the plan do not
either, as long as they have a follow-up owner.
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct

from relboard.domain.events import Decision, StepStatus
from relboard.domain.plan import Phase
from relboard.domain.rollback import CriterionState, evaluate
from relboard.domain.state import WindowState


class CloseCode(StrEnum):
    SUCCESSFUL = "successful"
    SUCCESSFUL_WITH_ISSUES = "successful with issues"
    UNSUCCESSFUL = "unsuccessful"
    ROLLED_BACK = "rolled back"
    RESCHEDULED = "rescheduled"


_NOT_RUN = "never marked"


class CloseOutcome(Struct, frozen=True):
    code: CloseCode
    reasons: tuple[str, ...]


def _status_words(status: StepStatus) -> str:
    return _NOT_RUN if status is StepStatus.PENDING else status.value


def close_outcome(state: WindowState, *, drafting_completion_notice: bool = False) -> CloseOutcome:
    """The close code and the facts behind it, in plain words (step ids, issue titles as recorded).

    While the completion notice is being drafted, it and the communicate phase's steps are not part
    of the change: they do not count against the result the notice announces.
    """
    last = state.last_decision
    if last is not None and last.decision is Decision.ROLLBACK:
        return CloseOutcome(CloseCode.ROLLED_BACK, (f"last decision: rollback ({last.by or 'operator'})",))
    if last is not None and last.decision is Decision.RESCHEDULE:
        return CloseOutcome(CloseCode.RESCHEDULED, (f"last decision: reschedule ({last.by or 'operator'})",))

    steps = [step for step in state.plan.steps if not (drafting_completion_notice and step.phase is Phase.COMMUNICATE)]
    critical = [
        f"critical step {step.id} {_status_words(state.steps[step.id].status)}"
        for step in steps
        if step.critical and state.steps[step.id].status is not StepStatus.PASS
    ]
    if critical:
        return CloseOutcome(CloseCode.UNSUCCESSFUL, tuple(critical))

    issues = [
        f"step {step.id} {_status_words(state.steps[step.id].status)}"
        for step in steps
        if not step.critical
        and state.steps[step.id].status in (StepStatus.FAIL, StepStatus.BLOCKED, StepStatus.PENDING)
    ]
    for issue in state.open_issues:
        if not issue.from_plan:
            issues.append(f"known issue still open: {issue.title}")
        if not issue.owner.strip():
            issues.append(f"no follow-up owner for: {issue.title}")
    for status in evaluate(state):
        if status.tripped:
            issues.append(f"rollback criterion {status.criterion.id} tripped")
        elif status.state is CriterionState.UNVERIFIED:
            facts = "; ".join(u.words() for u in status.unverified)
            issues.append(f"rollback criterion {status.criterion.id} unverified: {facts}")
    if not state.completion_notice_recorded and not drafting_completion_notice:
        issues.append("no delivered after-window notice recorded")
    if issues:
        return CloseOutcome(CloseCode.SUCCESSFUL_WITH_ISSUES, tuple(issues))
    return CloseOutcome(
        CloseCode.SUCCESSFUL, ("every step settled, every critical step passed, completion notice delivered",)
    )
