"""Rollback criteria against the live state, and a plain-words recommendation.

A criterion is in one of three states:

- **tripped**: a linked step (`trips_on`) failed or is blocked, or an operator marked it tripped;
- **unverified**: nothing tripped it, but nothing checked it either: a linked step was skipped, or
  is still pending although a later phase of the change has begun (see `later_phase_begun`);
- **ok**: its linked steps were checked and none of them failed or is blocked, or an operator
  cleared it with a reason after the last of those facts.

An unverified criterion is never shown as ok: the board warns and the recommendation says to check
it by hand. An operator's mark (tripped or cleared, with a reason) stands for what was known when it
was made: a linked step failing, blocked or skipped after it, or a later phase beginning after it
while a linked step is pending, sets it aside.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from msgspec import Struct

from relboard.domain.clock import DEADLINE_WARNING, ClockReading
from relboard.domain.durations import format_clock
from relboard.domain.events import CriterionMarked, Decision, StepStatus
from relboard.domain.identity import is_later, is_later_or_same
from relboard.domain.plan import Criterion, Phase, Plan
from relboard.domain.state import WindowState

# A linked step in one of these states trips its criterion.
TRIPPING = (StepStatus.FAIL, StepStatus.BLOCKED)
# The phases of the change itself, in the order a window runs them. The communicate phase runs
# alongside them (the start notice goes out before anything is applied), so it never says the
# change has moved on.
CHANGE_PHASES = (Phase.PREPARE, Phase.APPLY, Phase.VALIDATE)


class CriterionState(StrEnum):
    OK = "ok"
    TRIPPED = "tripped"
    UNVERIFIED = "unverified"


class Unverified(Struct, frozen=True):
    """A linked step that leaves its criterion unchecked: skipped, or pending while a later phase runs."""

    step: str
    status: StepStatus
    # The critical step of a later phase that began first while this one was pending, and when.
    begun: str = ""
    begun_at: datetime | None = None

    def words(self) -> str:
        if self.status is StepStatus.SKIP:
            return f"{self.step} was skipped"
        return f"{self.step} is still pending while {self.begun} has begun"


class CriterionStatus(Struct, frozen=True):
    criterion: Criterion
    state: CriterionState
    # Linked steps that failed or are blocked, with their status.
    tripping: tuple[tuple[str, StepStatus], ...]
    unverified: tuple[Unverified, ...]
    mark: CriterionMarked | None

    @property
    def tripped(self) -> bool:
        return self.state is CriterionState.TRIPPED

    @property
    def why(self) -> str:
        """Why the criterion is in its state, in a few words; "" for an ok criterion nobody touched."""
        if self.mark is not None:
            verb = "marked tripped" if self.mark.tripped else "cleared"
            return f"{verb} by {self.mark.by or 'operator'}: {self.mark.reason}"
        parts = []
        for status in (StepStatus.FAIL, StepStatus.BLOCKED):
            steps = [step for step, found in self.tripping if found is status]
            if steps:
                parts.append(f"{'failed' if status is StepStatus.FAIL else 'blocked'}: {', '.join(steps)}")
        if self.unverified:
            parts.append("unverified: " + "; ".join(u.words() for u in self.unverified))
        return "; ".join(parts)

    @property
    def warning(self) -> str:
        """What to do about an unverified criterion, for the board and the commands; "" otherwise."""
        if self.state is not CriterionState.UNVERIFIED:
            return ""
        facts = "; ".join(u.words() for u in self.unverified)
        return (
            f"{self.criterion.id} is unverified ({facts}): nothing has checked it. Check it by hand, then mark it"
            " tripped or cleared with the reason."
        )


def _after(at: datetime | None, than: datetime) -> bool:
    return at is not None and at > than


def later_phase_begun(state: WindowState, phase: Phase) -> tuple[str, datetime] | None:
    """The critical step of a phase after `phase` (in the order prepare, apply, validate) that began
    first, and when: started, or marked anything but pending. None when none has. The communicate
    phase neither counts nor is counted: it runs alongside the change. Kept by the fold (tally.py)."""
    if phase not in CHANGE_PHASES:
        return None
    return state.tally.first_begun(CHANGE_PHASES[CHANGE_PHASES.index(phase) + 1 :])


def _unverified(state: WindowState, criterion: Criterion) -> tuple[Unverified, ...]:
    found = []
    for sid in criterion.trips_on:
        step, s = state.plan.step(sid), state.steps.get(sid)
        if step is None or s is None:
            continue
        if s.status is StepStatus.SKIP:
            found.append(Unverified(sid, s.status))
        elif s.status is StepStatus.PENDING:
            begun = later_phase_begun(state, step.phase)
            if begun is not None:
                found.append(Unverified(sid, s.status, *begun))
    return tuple(found)


def _mark_stands(
    state: WindowState,
    mark: CriterionMarked,
    tripping: tuple[tuple[str, StepStatus], ...],
    unverified: tuple[Unverified, ...],
) -> bool:
    """An operator's mark speaks for what was known when it was made: a linked step failing, blocked or
    skipped after it, or a later phase beginning after it while a linked step is pending, is news."""
    # A step's own mark is ordered by hybrid clock when both have one (a fast laptop clock does not win).
    marks = [state.steps[sid].source for sid, _ in tripping]
    marks += [state.steps[u.step].source for u in unverified if u.status is StepStatus.SKIP]
    if any(source is not None and is_later(source, mark) for source in marks):
        return False
    begun = [u.begun_at for u in unverified if u.status is not StepStatus.SKIP]
    return not any(_after(at, mark.at) for at in begun)


def evaluate_criterion(state: WindowState, criterion: Criterion) -> CriterionStatus:
    tripping = tuple(
        (sid, state.steps[sid].status)
        for sid in criterion.trips_on
        if sid in state.steps and state.steps[sid].status in TRIPPING
    )
    unverified = _unverified(state, criterion)
    mark = state.criteria_marks.get(criterion.id)
    if mark is not None and not _mark_stands(state, mark, tripping, unverified):
        mark = None
    if mark is not None:
        state_now = CriterionState.TRIPPED if mark.tripped else CriterionState.OK
    elif tripping:
        state_now = CriterionState.TRIPPED
    elif unverified:
        state_now = CriterionState.UNVERIFIED
    else:
        state_now = CriterionState.OK
    return CriterionStatus(criterion, state_now, tripping, unverified, mark)


def evaluate(state: WindowState) -> list[CriterionStatus]:
    """Every criterion of the plan, in plan order."""
    return [evaluate_criterion(state, criterion) for criterion in state.plan.rollback.criteria]


def criterion_steps(plan: Plan) -> frozenset[str]:
    """The steps whose marks can change a criterion's state: the linked steps, and every critical
    step of the change's phases (one of them beginning can leave a pending linked step unverified)."""
    linked = {sid for criterion in plan.rollback.criteria for sid in criterion.trips_on}
    critical = {s.id for s in plan.steps if s.critical and s.phase in CHANGE_PHASES}
    return frozenset(linked | critical) if plan.rollback.criteria else frozenset()


def recommendation(state: WindowState, clock: ClockReading) -> str:
    statuses = evaluate(state)
    tripped = [s.criterion.id for s in statuses if s.tripped]
    unverified = [s for s in statuses if s.state is CriterionState.UNVERIFIED]
    owners = " and ".join(state.plan.decision_owners)
    last = state.last_decision
    # A decision stands until a criterion is marked after it (by hybrid clock, or wall time for older events).
    standing = last is not None and all(is_later_or_same(last, s.mark) for s in statuses if s.mark)
    decided = f"Decided: {last.decision.value} ({last.by or 'operator'})." if standing and last else ""
    unchecked = (
        f" Unverified: {', '.join(s.criterion.id for s in unverified)} ("
        + "; ".join(u.words() for s in unverified for u in s.unverified)
        + "): check by hand and mark them."
        if unverified
        else ""
    )
    if tripped and standing and last and last.decision is not Decision.CONTINUE:
        # Already decided: say what stands, not "decide now".
        return f"{decided} Criteria tripped: {', '.join(tripped)}.{unchecked}"
    if tripped:
        text = (
            f"Rollback criteria tripped: {', '.join(tripped)}. Decide with {owners} now: pause, roll back or"
            " reschedule."
        )
        if clock.deadline_passed:
            text += " The rollback deadline has passed: a rollback now overruns the window."
        else:
            text += f" {format_clock(clock.deadline_left)} left to decide."
        return f"{decided} {text}{unchecked}".strip()
    if unverified:
        # Never "continue" on a criterion nobody checked.
        return (decided + unchecked + " No criterion tripped.").strip()
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
