"""A window state folded on demand from a cached copy of its events and their index (`fold_index`).

It is the same fold as `WindowState` (its own code folds every part), only later: a step's state is made
from that step's events when something first looks at it, the issues from the issue events when the issues
are first looked at, and so on; the events themselves are decoded only when read. A writer that looks at one
step of a 50,000-event window folds a few dozen events. Anything that reads everything gets everything,
exactly as the plain fold would have made it (tests compare the two on every part).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from typing import Any, cast

from relboard.domain.events import Event
from relboard.domain.fold_index import EventLog, KnownIds
from relboard.domain.plan import Plan
from relboard.domain.state import WindowState, count_steps, plan_issues
from relboard.domain.step_state import UNTOUCHED, StepState


class _FoldedSteps(MutableMapping[str, StepState]):
    """The window's steps, each one's state folded from its own events when it is first looked up: a writer
    that marks one step of a long window makes one state, not one per step of the plan."""

    __slots__ = ("_fold", "_ids", "_made")

    def __init__(self, ids: Iterable[str], fold: Callable[[str], StepState]) -> None:
        self._ids = dict.fromkeys(ids)  # plan order; a duplicated id once
        self._made: dict[str, StepState] = {}
        self._fold = fold

    def __getitem__(self, step_id: str) -> StepState:
        made = self._made.get(step_id)
        if made is None:
            if step_id not in self._ids:
                raise KeyError(step_id)
            made = self._made[step_id] = self._fold(step_id)
        return made

    def __setitem__(self, step_id: str, state: StepState) -> None:
        if step_id not in self._ids:
            raise KeyError(step_id)  # a window's steps are its plan's
        self._made[step_id] = state

    def __delitem__(self, step_id: str) -> None:
        raise TypeError("a window's steps are its plan's")

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, step_id: object) -> bool:
        return step_id in self._ids


class LazyWindowState(WindowState):
    """`WindowState` of `events` (an EventLog: an indexed cached copy, then the events read after it)."""

    def __init__(self, plan: Plan, events: EventLog) -> None:  # the parts come from __getattr__
        self.plan = plan
        source = self._source = events.source
        index = source.index
        self._ids = KnownIds(index)
        # The events that count (a duplicate's position is skipped), as the list the plain fold keeps.
        self.events = cast(list[Event], EventLog(source, index.applied()))
        self.indexed = len(self.events)
        self._counting = False  # until a count is first read (`tally`)
        for event in events.tail:
            self.apply(event)

    @property
    def stamp_keys(self) -> Sequence[int]:
        """The stamps of the indexed events, sorted (for identity.Stamper.skip)."""
        return self._source.index.stamps

    def __getattr__(self, name: str) -> Any:
        # Only called for a part not made yet.
        make = _PARTS.get(name)
        if make is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        make(self)
        return self.__dict__[name]

    def _make_tally(self) -> None:
        self.tally = count_steps(self.plan, self.steps)
        self._counting = True

    def _group(self, name: str) -> list[Event]:
        event = self._source.event
        return [event(p) for p in self._source.index.groups.get(name, ())]

    def _replay(self, name: str, *, start: Callable[[], None]) -> None:
        start()
        for event in self._group(name):
            self._fold(event)

    def _make_steps(self) -> None:
        by_step = self._source.index.by_step
        event = self._source.event

        def fold_step(step_id: str) -> StepState:
            if step_id not in by_step:
                return UNTOUCHED
            step = StepState()
            for position in by_step[step_id]:
                step.apply(event(position))
            return step

        self.steps = _FoldedSteps((s.id for s in self.plan.steps), fold_step)

    def _make_issues(self) -> None:
        def start() -> None:
            self.issues = plan_issues(self.plan)

        self._replay("issues", start=start)

    def _make_criteria(self) -> None:
        def start() -> None:
            self.criteria_marks = {}

        self._replay("criteria", start=start)

    def _make_decisions(self) -> None:
        def start() -> None:
            self.decisions, self.last_decision = [], None

        self._replay("decisions", start=start)

    def _make_plans(self) -> None:
        def start() -> None:
            self.last_plan = None

        self._replay("plans", start=start)

    def _make_probes(self) -> None:
        self.probes = cast(list[Any], self._group("probes"))

    def _make_notices(self) -> None:
        self.notices = cast(list[Any], self._group("notices"))

    def _make_handovers(self) -> None:
        self.handovers = cast(list[Any], self._group("handovers"))

    def _make_approvals(self) -> None:
        self.approvals = cast(list[Any], self._group("approvals"))


_PARTS: dict[str, Callable[[LazyWindowState], None]] = {
    "steps": LazyWindowState._make_steps,
    "issues": LazyWindowState._make_issues,
    "criteria_marks": LazyWindowState._make_criteria,
    "decisions": LazyWindowState._make_decisions,
    "last_decision": LazyWindowState._make_decisions,
    "last_plan": LazyWindowState._make_plans,
    "probes": LazyWindowState._make_probes,
    "notices": LazyWindowState._make_notices,
    "handovers": LazyWindowState._make_handovers,
    "approvals": LazyWindowState._make_approvals,
    "tally": LazyWindowState._make_tally,
}
