"""Counts a window keeps as its events are folded, so that no view recounts every step for one event.

Progress per phase and overall, the critical steps not yet passed (the release's completion), and,
per change phase, the critical steps that have begun (a later phase beginning leaves a pending
criterion step unverified). Each step event moves one step from one count to another; a board with
50,000 steps pays for the step that changed, not for the plan.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from relboard.domain.events import StepStatus
from relboard.domain.plan import Phase, Plan, Step


def begun_at(status: StepStatus, at: datetime | None, started_at: datetime | None) -> datetime | None:
    """When work on a step showed first: its start, else its mark; None while untouched."""
    times = [t for t in (started_at, at if status is not StepStatus.PENDING else None) if t is not None]
    return min(times) if times else None


class Tally:
    def __init__(self, plan: Plan) -> None:
        # A step's phase is read from the plan, whose first step of an id is the one the fold keeps.
        self._step = plan.step
        self._index: dict[str, int] = {}  # plan order of the critical steps: of two begun at one moment, the first
        self._critical: set[str] = set()
        self.by_phase: dict[Phase, Counter[StepStatus]] = {phase: Counter() for phase in Phase}
        self.overall: Counter[StepStatus] = Counter()
        self.critical_open: set[str] = set()  # critical steps not passed
        self._begun: dict[Phase, dict[str, datetime]] = {phase: {} for phase in Phase}
        self._first: dict[Phase, tuple[str, datetime] | None] = {}
        for number, step in enumerate(plan.steps):
            if plan.step(step.id) is not step:
                continue  # a duplicate id: the fold keeps one state for it
            self.by_phase[step.phase][StepStatus.PENDING] += 1
            self.overall[StepStatus.PENDING] += 1
            if step.critical:
                self._index[step.id] = number
                self._critical.add(step.id)
                self.critical_open.add(step.id)

    def moved(self, step_id: str, before: StepStatus, after: StepStatus) -> None:
        step = self._step(step_id)
        if step is None or before is after:
            return
        phase = step.phase
        self.by_phase[phase][before] -= 1
        self.by_phase[phase][after] += 1
        self.overall[before] -= 1
        self.overall[after] += 1
        if step_id in self._critical:
            if after is StepStatus.PASS:
                self.critical_open.discard(step_id)
            else:
                self.critical_open.add(step_id)

    def began(self, step: Step | None, at: datetime | None) -> None:
        """A critical step's begun time as it stands now (None: untouched again, after an undo)."""
        if step is None or step.id not in self._critical:
            return
        begun = self._begun[step.phase]
        if begun.get(step.id) == at:
            return
        if at is None:
            begun.pop(step.id, None)
        else:
            begun[step.id] = at
        self._first.pop(step.phase, None)

    def _order(self, item: tuple[str, datetime]) -> tuple[datetime, int]:
        return item[1], self._index[item[0]]

    def first_begun(self, phases: tuple[Phase, ...]) -> tuple[str, datetime] | None:
        """The critical step of these phases that began first, and when; None when none has."""
        found: tuple[str, datetime] | None = None
        for phase in phases:
            if phase not in self._first:
                begun = self._begun[phase]
                self._first[phase] = min(begun.items(), key=self._order) if begun else None
            first = self._first[phase]
            if first is not None and (found is None or self._order(first) < self._order(found)):
                found = first
        return found
