"""What the after-window notice can say at a given moment, and which notice the moment calls for.

Before the window nothing has happened yet, and while it runs the change is not over: an after
notice drafted then must say `not started` or `in progress` with what is still open, never "failed"
because the validation has not been done yet. The communicate phase (the notices themselves) is not
part of the change and never decides its result.
"""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct

from relboard.domain.clock import ClockReading, WindowPhase
from relboard.domain.close_code import CloseCode, close_outcome
from relboard.domain.events import Decision, DecisionRecorded, NoticeKind, StepStatus
from relboard.domain.plan import Phase, Step
from relboard.domain.state import WindowState

# Decisions that change what users should expect: each one is followed by a decision notice.
NOTIFIED_DECISIONS = (Decision.PAUSE, Decision.ROLLBACK, Decision.RESCHEDULE)
# Decisions that end the change whatever its steps say.
ENDING_DECISIONS = (Decision.ROLLBACK, Decision.RESCHEDULE)
# A critical step with one of these is done, for better or worse; pending and blocked are still open.
FINAL_STATUSES = (StepStatus.PASS, StepStatus.FAIL, StepStatus.SKIP)


class Result:
    """The result an after notice announces, in its words."""

    COMPLETE = "complete"
    WITH_ISSUES = "complete with issues"
    FAILED = "failed"
    ROLLED_BACK = "rolled back"
    RESCHEDULED = "rescheduled"
    PAUSED = "paused"
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"


_RESULT_OF_CODE = {
    CloseCode.SUCCESSFUL: Result.COMPLETE,
    CloseCode.SUCCESSFUL_WITH_ISSUES: Result.WITH_ISSUES,
    CloseCode.UNSUCCESSFUL: Result.FAILED,
    CloseCode.ROLLED_BACK: Result.ROLLED_BACK,
    CloseCode.RESCHEDULED: Result.RESCHEDULED,
}


class AfterResult(Struct, frozen=True):
    """The result an after notice can announce now.

    `final` is False while the change can still turn out otherwise (before the window, or in it with
    critical steps open or on pause): such a notice is a draft, and sending it asks first.
    `unfinished` names what is still open, e.g. ("apply (pending)", "login (blocked)").
    """

    result: str
    final: bool
    unfinished: tuple[str, ...] = ()

    def unfinished_text(self) -> str:
        """'still open: apply (pending), login (blocked)', or why the result is not final."""
        if self.unfinished:
            return "still open: " + ", ".join(self.unfinished)
        if self.result == Result.PAUSED:
            return "the change is on pause"
        return ""


def change_steps(state: WindowState) -> list[Step]:
    """The steps of the change itself: every phase but communicate."""
    return [step for step in state.plan.steps if step.phase is not Phase.COMMUNICATE]


def _open_words(state: WindowState, step: Step) -> str:
    s = state.steps[step.id]
    if s.status is StepStatus.BLOCKED:
        return f"{step.id} (blocked)"
    return f"{step.id} (in progress)" if s.started_at is not None else f"{step.id} (pending)"


def _begun(state: WindowState) -> bool:
    return any(
        state.steps[s.id].status is not StepStatus.PENDING or state.steps[s.id].started_at is not None
        for s in change_steps(state)
    )


def after_result(state: WindowState, now: datetime | None = None) -> AfterResult:
    """The after notice's result at `now`; None judges the window as over (the report's view).

    - a rollback or reschedule decision (the last decision) ends the change at any moment;
    - before the window, with no step of the change begun: `not started`;
    - before or in the window, while a critical step of the change has no final status (pass, fail or
      skip; pending, in progress and blocked are open), or the last decision is a pause:
      `in progress` (or `paused`), with what is still open;
    - otherwise (every critical step final, or the window over): complete, complete with issues or
      failed, by the close-code rule without the communicate phase.
    """
    last = state.last_decision
    if last is not None and last.decision in ENDING_DECISIONS:
        code = close_outcome(state, drafting_completion_notice=True).code
        return AfterResult(_RESULT_OF_CODE[code], final=True)
    paused = last is not None and last.decision is Decision.PAUSE
    open_steps = tuple(
        _open_words(state, step)
        for step in change_steps(state)
        if step.critical and state.steps[step.id].status not in FINAL_STATUSES
    )
    if now is not None and now < state.plan.window.end:
        if now < state.plan.window.start and not _begun(state) and not paused:
            return AfterResult(Result.NOT_STARTED, final=False, unfinished=open_steps)
        if open_steps or paused:
            return AfterResult(Result.PAUSED if paused else Result.IN_PROGRESS, final=False, unfinished=open_steps)
    if paused:
        return AfterResult(Result.PAUSED, final=True, unfinished=open_steps)
    code = close_outcome(state, drafting_completion_notice=True).code
    return AfterResult(_RESULT_OF_CODE[code], final=True)


def pending_decision(state: WindowState) -> DecisionRecorded | None:
    """The last pause/rollback/reschedule not yet followed by a delivered decision notice."""
    last = state.last_decision
    if last is None or last.decision not in NOTIFIED_DECISIONS:
        return None
    told = any(n.notice is NoticeKind.DECISION and n.delivered and n.at >= last.at for n in state.notices)
    return None if told else last


def before_notice_sent(state: WindowState) -> bool:
    return any(n.notice is NoticeKind.BEFORE and n.delivered for n in state.notices)


class NoticeChoice(Struct, frozen=True):
    """The notice the moment calls for; `draft` marks an after notice drafted while the window runs."""

    kind: NoticeKind
    draft: bool
    reason: str


def preview_choice(state: WindowState, clock: ClockReading) -> NoticeChoice:
    """The notice preview's default for this moment.

    Before the window: the before notice (or an un-notified decision, e.g. a reschedule decided
    before the start, which the before notice would contradict). In the window: an un-notified
    pause, rollback or reschedule decision; else the before notice if it was never delivered; else
    the after notice as a draft. After the window: the after notice.
    """
    pending = pending_decision(state)
    if clock.phase is WindowPhase.BEFORE:
        if pending is not None:
            return NoticeChoice(
                NoticeKind.DECISION, False, f"the {pending.decision.value} decision is not announced yet"
            )
        return NoticeChoice(NoticeKind.BEFORE, False, "the window has not started")
    if clock.phase is WindowPhase.IN_WINDOW:
        if pending is not None:
            return NoticeChoice(
                NoticeKind.DECISION, False, f"the {pending.decision.value} decision is not announced yet"
            )
        if not before_notice_sent(state):
            return NoticeChoice(NoticeKind.BEFORE, False, "the before notice was never sent")
        return NoticeChoice(NoticeKind.AFTER, True, "draft: the window is still running")
    return NoticeChoice(NoticeKind.AFTER, False, "the window is over")
