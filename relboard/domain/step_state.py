"""A step's state, folded from its own events, and the states of all a window's steps by id."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, MutableMapping, Sequence
from datetime import datetime

from relboard.domain.events import Event, NoteAdded, ProbeRan, StepMarked, StepStarted, StepStatus
from relboard.domain.identity import is_later_or_same
from relboard.domain.plan import Plan


def is_newer(event: Event, than: Event | None) -> bool:
    """Whether `event` takes the place of `than` (None: nothing yet) as the latest of its kind."""
    # Two writers append in lock order, and machines in the order the hub delivers: the latest mark
    # (by hybrid clock when both have one, by wall time otherwise) wins wherever it sits.
    return than is None or is_later_or_same(event, than)


class StepState:
    """A step's state: the fold of its own events.

    A step gets one of its own at its first event (until then it shares `UNTOUCHED`); slotted, with its
    lists made as they get their first item: a long window holds thousands, for as long as the board is open."""

    __slots__ = FIELDS = (
        "status",
        "note",
        "by",
        "at",
        "notes",
        "probe",
        "started_at",
        "started_by",
        "last_probe",
        "history",
        "source",
        "start_source",
    )
    __hash__ = None  # type: ignore[assignment]  # compared by value, and changed in place

    def __init__(self) -> None:
        self.status = StepStatus.PENDING
        self.note = ""
        self.by = ""
        self.at: datetime | None = None
        self.notes: Sequence[NoteAdded] = ()
        self.probe: ProbeRan | None = None
        self.started_at: datetime | None = None
        self.started_by = ""
        self.last_probe: ProbeRan | None = None  # the latest probe result of any outcome, `error` included
        # Every event on this step in the order it was folded: marks, notes, probe results, starts.
        self.history: Sequence[Event] = ()
        self.source: StepMarked | ProbeRan | None = None  # the event that set the status, to order later ones against
        self.start_source: StepStarted | None = None

    def fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in StepState.FIELDS}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StepState) and self.fields() == other.fields()

    def __repr__(self) -> str:
        return f"StepState({', '.join(f'{name}={value!r}' for name, value in self.fields().items())})"

    @property
    def probe_error(self) -> ProbeRan | None:
        """The latest probe could not check (the operator's set-up, not the service): show it, mark nothing."""
        return self.last_probe if self.last_probe is not None and self.last_probe.errored else None

    def apply(self, event: Event) -> None:
        history = self.history
        if isinstance(history, list):
            history.append(event)
        else:
            self.history = [event]
        if type(event) is StepMarked:  # most of a window's events, first and without a match
            source = self.source
            if source is None or is_later_or_same(event, source):
                self.status, self.note, self.by, self.at = event.status, event.note, event.by, event.at
                self.source = event
            return
        match event:
            case NoteAdded():
                notes = self.notes
                if isinstance(notes, list):
                    notes.append(event)
                else:
                    self.notes = [event]
            case ProbeRan():
                if is_newer(event, self.last_probe):
                    self.last_probe = event
                # A probe that could not check says nothing about the service: the step keeps its status.
                if not event.errored and is_newer(event, self.source):
                    self.probe, self.source = event, event
                    self.status = StepStatus.PASS if event.passed else StepStatus.FAIL
                    self.note, self.by, self.at = f"probe: {event.reason}", event.by or "probe", event.at
            case StepStarted():
                if is_newer(event, self.start_source):
                    self.started_at, self.started_by, self.start_source = event.at, event.by, event

    def without(self, event: Event) -> StepState:
        """The step as it would be had `event` never happened (what an undo brings back)."""
        replay = StepState()
        for earlier in self.history:
            if earlier is not event:
                replay.apply(earlier)
        return replay


class _Untouched(StepState):
    """The state every step of a window shares until its first event gives it one of its own: a plan of
    50,000 steps starts with one state, not 50,000. Shared, it refuses any change."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"an untouched step's state is shared: cannot set {name}")


def _untouched() -> StepState:
    shared, fresh = object.__new__(_Untouched), StepState()
    for name in StepState.FIELDS:
        object.__setattr__(shared, name, getattr(fresh, name))
    return shared


UNTOUCHED = _untouched()


class StepStates(MutableMapping[str, StepState]):
    """Each step's state by id, in plan order. One slot per place in the plan, found through the plan's own
    map of ids (`Plan.positions`) rather than a second dict of them: 0.2 MiB less at 5,000 steps, 2 MiB at
    50,000. A fold that goes through thousands of events uses `places` and `states` directly, as a dict's
    own lookups would be; an id the plan lacks has no state (and a plan's repeated id, one)."""

    __slots__ = ("places", "states")

    def __init__(self, plan: Plan) -> None:
        self.places = plan.positions
        self.states: list[StepState] = [UNTOUCHED] * len(plan.steps)

    def __getitem__(self, step_id: str) -> StepState:
        return self.states[self.places[step_id]]

    def get(self, step_id: str, default: StepState | None = None) -> StepState | None:  # type: ignore[override]
        place = self.places.get(step_id)
        return default if place is None else self.states[place]

    def __setitem__(self, step_id: str, state: StepState) -> None:
        self.states[self.places[step_id]] = state  # KeyError: a window's steps are its plan's

    def __delitem__(self, step_id: str) -> None:
        raise TypeError("a window's steps are its plan's")

    def __contains__(self, step_id: object) -> bool:
        return step_id in self.places

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)

    def items(self) -> ItemsView[str, StepState]:
        return _Items(self)


class _Items(ItemsView[str, StepState]):
    """Without a lookup by id per step: count_steps and the reports walk all 50,000."""

    _mapping: StepStates

    def __iter__(self) -> Iterator[tuple[str, StepState]]:
        states = self._mapping.states
        for step_id, place in self._mapping.places.items():
            yield step_id, states[place]
