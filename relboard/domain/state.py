"""The window state: the fold of the plan and its events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, MutableSet
from dataclasses import dataclass
from datetime import datetime

from msgspec import Struct
from msgspec.structs import force_setattr

from relboard.domain.events import (
    CommandsApproved,
    CriterionMarked,
    DecisionRecorded,
    Event,
    Handover,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeRan,
    StepMarked,
    StepStarted,
    StepStatus,
)
from relboard.domain.plan import Plan, Step
from relboard.domain.step_state import UNTOUCHED, StepState, StepStates, is_newer
from relboard.domain.tally import Tally, begun_at


@dataclass
class IssueState:
    id: str
    title: str
    impact: str = ""
    workaround: str = ""
    owner: str = ""
    step: str = ""
    resolved: bool = False
    from_plan: bool = False
    opened_by: str = ""
    opened_at: datetime | None = None

    @property
    def open(self) -> bool:
        return not self.resolved


class PlanChange(Struct, frozen=True):
    """How the plan differs from the one the state was last opened with."""

    added: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def detail(self) -> str:
        parts = []
        if self.added:
            parts.append("added: " + ", ".join(self.added))
        if self.removed:
            parts.append("removed: " + ", ".join(self.removed))
        return "; ".join(parts) if parts else "step texts or settings changed"


_ISSUE_FIELDS = ("title", "impact", "workaround", "owner", "step", "resolved")


def plan_issues(plan: Plan) -> dict[str, IssueState]:
    """The known issues a window starts with: the plan's accepted limitations."""
    issues: dict[str, IssueState] = {}
    for number, known in enumerate(plan.known_issues, start=1):
        issue_id = f"plan-{number}"
        issues[issue_id] = IssueState(
            id=issue_id,
            title=known.title,
            impact=known.impact,
            workaround=known.workaround,
            owner=known.owner,
            from_plan=True,
        )
    return issues


def count_steps(plan: Plan, steps: Mapping[str, StepState]) -> Tally:
    """The counts of steps as they stand."""
    tally = Tally(plan)
    for step_id, step in steps.items():
        if step.status is StepStatus.PENDING and step.started_at is None:
            continue  # untouched: counted as such from the start
        tally.moved(step_id, StepStatus.PENDING, step.status)
        tally.began(plan.step(step_id), begun_at(step.status, step.at, step.started_at))
    return tally


class WindowState:
    """Apply events in journal order; every view of the window reads from here."""

    def __init__(self, plan: Plan, events: Iterable[Event] = ()) -> None:
        self.plan = plan
        steps = StepStates(plan)
        self.steps: MutableMapping[str, StepState] = steps
        self.issues: dict[str, IssueState] = plan_issues(plan)
        self.criteria_marks: dict[str, CriterionMarked] = {}
        self.decisions: list[DecisionRecorded] = []
        self.probes: list[ProbeRan] = []
        self.notices: list[NoticeSent] = []
        self.handovers: list[Handover] = []
        self.approvals: list[CommandsApproved] = []
        self.events: list[Event] = []
        self.last_plan: PlanLoaded | None = None
        self.last_decision: DecisionRecorded | None = None
        self._ids: MutableSet[str] = set()
        # The counts are made once from the folded steps, not moved along by each of a long window's events.
        self._counting = False
        self._fold_all(steps, events)
        self.tally = count_steps(plan, self.steps)
        self._counting = True

    def _fold_all(self, steps: StepStates, events: Iterable[Event]) -> None:
        """`apply` for each event, with the marks, notes and starts of steps (nine events in ten) folded
        here without a call per layer: a long window's state is folded from a hundred thousand events."""
        ids, append, fold = self._ids, self.events.append, self._fold
        places, states = steps.places, steps.states
        for event in events:
            event_id = event.id
            if event_id is not None:
                if event_id in ids:
                    continue
                ids.add(event_id)
            append(event)
            kind = type(event)
            if kind is StepMarked or kind is NoteAdded or kind is StepStarted:
                place = places.get(event.step)  # type: ignore[union-attr]
                if place is not None:
                    step = states[place]
                    if step is UNTOUCHED:
                        step = states[place] = StepState()
                    step.apply(event)
            else:
                fold(event)

    def apply(self, event: Event) -> None:
        if event.id is not None:
            if event.id in self._ids:
                return  # the same event again (from the hub and from the journal): it counts once
            self._ids.add(event.id)
        self.events.append(event)
        self._fold(event)

    def _fold(self, event: Event) -> None:
        """What `event` changes, once it counts (a cached fold replays parts of the window through here)."""
        match event:
            case StepMarked() | NoteAdded() | StepStarted():
                self._apply_step(event.step, event)
            case ProbeRan():
                self.probes.append(event)
                self._apply_step(event.step, event)
            case IssueOpened():
                self.issues[event.issue] = IssueState(
                    id=event.issue,
                    title=event.title,
                    impact=event.impact,
                    workaround=event.workaround,
                    owner=event.owner,
                    step=event.step,
                    opened_by=event.by,
                    opened_at=event.at,
                )
            case IssueUpdated():
                issue = self.issues.get(event.issue)
                if issue is not None:
                    for name in event.changed:
                        if name in _ISSUE_FIELDS:
                            setattr(issue, name, getattr(event, name))
            case CriterionMarked():
                previous = self.criteria_marks.get(event.criterion)
                if is_newer(event, previous):
                    self.criteria_marks[event.criterion] = event
            case DecisionRecorded():
                self.decisions.append(event)
                if is_newer(event, self.last_decision):
                    self.last_decision = event
            case NoticeSent():
                self.notices.append(event)
            case PlanLoaded():
                _share_step_ids(event, self.plan)
                self.last_plan = event
            case Handover():
                self.handovers.append(event)
            case CommandsApproved():
                self.approvals.append(event)

    def _apply_step(self, step_id: str, event: Event) -> None:
        step = self.steps.get(step_id)
        if step is None:
            return
        if step is UNTOUCHED:
            step = self.steps[step_id] = StepState()
        if not self._counting:
            step.apply(event)
            return
        before = step.status
        step.apply(event)
        self.tally.moved(step_id, before, step.status)
        self.tally.began(self.plan.step(step_id), begun_at(step.status, step.at, step.started_at))

    def plan_change(self, plan_hash: str) -> PlanChange | None:
        """None when the state has no record of the plan or it is unchanged."""
        if self.last_plan is None or self.last_plan.plan_hash == plan_hash:
            return None
        before = set(self.last_plan.step_ids)
        now = [s.id for s in self.plan.steps]
        return PlanChange(
            added=tuple(s for s in now if s not in before),
            removed=tuple(s for s in self.last_plan.step_ids if s not in set(now)),
        )

    def steps_with(self, *statuses: StepStatus) -> list[Step]:
        return [s for s in self.plan.steps if self.steps[s.id].status in statuses]

    @property
    def open_issues(self) -> list[IssueState]:
        return [i for i in self.issues.values() if i.open]

    @property
    def completion_notice_recorded(self) -> bool:
        # A pager's maintenance window ended is bookkeeping, not the completion notice people read.
        return any(
            n.notice == NoticeKind.AFTER and n.delivered and not n.channel.startswith("pagerduty") for n in self.notices
        )


def _share_step_ids(event: PlanLoaded, plan: Plan) -> None:
    """A record of the plan the window was opened with lists every step id. While the plan is the same,
    the record keeps the plan's own id strings instead of a copy read from the journal: 3 MiB less at
    50,000 steps, for as long as the board is open. The event's value does not change, only whose strings
    it holds."""
    if len(event.step_ids) != len(plan.steps):
        return
    ids = [step.id for step in plan.steps]
    if event.step_ids == ids:
        force_setattr(event, "step_ids", ids)
