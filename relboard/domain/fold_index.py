"""Where each part of a window's fold comes from: an index of its events, kept with a cached copy of them.

A writer (`relboard mark` in a deploy script) needs the window as it stands to apply its rules, but of a
long window it only ever looks at a few steps. With this index beside the events it can fold a step, the
issues or the criteria from just their own events when they are first looked at (`state_lazy`), instead
of decoding and folding every event of the window on every call.

Positions are those of the events as the journal holds them, duplicates included; a duplicate (an event
whose id came earlier) is listed in `skipped`, as the fold would skip it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableSequence, MutableSet, Sequence
from typing import overload

from msgspec import Struct, field

from relboard.domain.events import (
    CommandsApproved,
    CriterionMarked,
    DecisionRecorded,
    Event,
    Handover,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeSent,
    PlanLoaded,
    ProbeRan,
    StepMarked,
    StepStarted,
)
from relboard.domain.identity import stamp_key

ID_WIDTH = 26  # every id relboard makes or reads (identity.ID_PATTERN)

# The parts of the fold other than the steps, each made from the events of these kinds alone.
GROUPS: dict[str, tuple[type[Event], ...]] = {
    "issues": (IssueOpened, IssueUpdated),
    "criteria": (CriterionMarked,),
    "decisions": (DecisionRecorded,),
    "probes": (ProbeRan,),
    "notices": (NoticeSent,),
    "plans": (PlanLoaded,),
    "handovers": (Handover,),
    "approvals": (CommandsApproved,),
}
_GROUP_OF = {cls: name for name, kinds in GROUPS.items() for cls in kinds}
_STEP_KINDS = (StepMarked, NoteAdded, StepStarted, ProbeRan)


class FoldIndex(Struct, frozen=True):
    count: int  # events indexed: positions 0 .. count - 1
    skipped: tuple[int, ...] = ()  # positions of duplicates, which the fold skips
    by_step: Mapping[str, Sequence[int]] = field(default_factory=dict)  # each step's events, in order
    groups: Mapping[str, Sequence[int]] = field(default_factory=dict)  # GROUPS' events, in order
    ids: bytes = b""  # the ids of the events that count, sorted, ID_WIDTH ASCII bytes each
    other_ids: frozenset[str] = frozenset()  # any id of another shape (none that relboard reads)
    stamps: Sequence[int] = ()  # their HLC stamps as sorted keys (identity.stamp_key)

    def applied(self) -> Sequence[int]:
        """The positions of the events that count, in order."""
        if not self.skipped:
            return range(self.count)
        skipped = set(self.skipped)
        return [p for p in range(self.count) if p not in skipped]

    def has_id(self, event_id: str) -> bool:
        if len(event_id) != ID_WIDTH or not event_id.isascii():
            return event_id in self.other_ids
        key = event_id.encode("ascii")
        ids = _Ids(self.ids)
        at = bisect_left(ids, key)
        return at < len(ids) and ids[at] == key


class _Ids(Sequence[bytes]):
    """The sorted id blob read as a sequence, for bisect."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob

    def __len__(self) -> int:
        return len(self._blob) // ID_WIDTH

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("id index out of range")
        return self._blob[index * ID_WIDTH : (index + 1) * ID_WIDTH]


def index_events(events: Iterable[Event], previous: FoldIndex | None = None) -> FoldIndex:
    """The index of `events`, or of `previous`'s events followed by `events` (its positions go on from there)."""
    base = previous or FoldIndex(0)
    skipped = list(base.skipped)
    by_step = {step: list(positions) for step, positions in base.by_step.items()}
    groups = {name: list(positions) for name, positions in base.groups.items()}
    new_ids: set[str] = set()
    stamps = list(base.stamps)
    fresh_stamps: list[int] = []
    count = base.count
    for event in events:
        position, count = count, count + 1
        if event.id is not None:
            if event.id in new_ids or base.has_id(event.id):
                skipped.append(position)
                continue
            new_ids.add(event.id)
        if isinstance(event, _STEP_KINDS):
            by_step.setdefault(event.step, []).append(position)
        group = _GROUP_OF.get(type(event))
        if group is not None:
            groups.setdefault(group, []).append(position)
        key = stamp_key(event.hlc) if event.hlc else None
        if key is not None:
            fresh_stamps.append(key)
    plain = sorted(i.encode("ascii") for i in new_ids if len(i) == ID_WIDTH and i.isascii())
    other = base.other_ids | {i for i in new_ids if len(i) != ID_WIDTH or not i.isascii()}
    ids = _merge(base.ids, plain)
    if fresh_stamps:
        stamps = sorted(stamps + fresh_stamps)
    return FoldIndex(count, tuple(skipped), by_step, groups, ids, frozenset(other), stamps)


def _merge(blob: bytes, more: list[bytes]) -> bytes:
    if not more:
        return blob
    if not blob:
        return b"".join(more)
    return b"".join(sorted([*_Ids(blob), *more]))


class KnownIds(MutableSet[str]):
    """The ids a cached fold has seen: those of its index, then those folded since."""

    def __init__(self, index: FoldIndex) -> None:
        self._index = index
        self._added: set[str] = set()

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and (item in self._added or self._index.has_id(item))

    def __iter__(self) -> Iterator[str]:
        yield from (raw.decode("ascii") for raw in _Ids(self._index.ids))
        yield from self._index.other_ids
        yield from self._added

    def __len__(self) -> int:
        return len(_Ids(self._index.ids)) + len(self._index.other_ids) + len(self._added)

    def add(self, value: str) -> None:
        self._added.add(value)

    def discard(self, value: str) -> None:
        raise TypeError("a window's seen ids only grow")


class EventSource:
    """Events of a cached copy decoded one at a time, each once (the same object every time it is asked for)."""

    def __init__(self, index: FoldIndex, decode: Callable[[int], Event]) -> None:
        self.index = index
        self._decode = decode
        self._made: dict[int, Event] = {}

    def event(self, position: int) -> Event:
        made = self._made.get(position)
        if made is None:
            made = self._made[position] = self._decode(position)
        return made


class EventLog(MutableSequence[Event]):
    """A window's events whose start stays in a cached copy until looked at: `positions` of `source`, then
    the events appended since. Reads like the list it stands for."""

    def __init__(self, source: EventSource, positions: Sequence[int], tail: Iterable[Event] = ()) -> None:
        self.source = source
        self._positions = positions
        self.tail: list[Event] = list(tail)

    @property
    def cached(self) -> int:
        """How many of the events come from the cached copy (the rest are the tail)."""
        return len(self._positions)

    def copy(self) -> EventLog:
        return EventLog(self.source, self._positions, self.tail)

    def __len__(self) -> int:
        return len(self._positions) + len(self.tail)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("event index out of range")
        cached = len(self._positions)
        return self.source.event(self._positions[index]) if index < cached else self.tail[index - cached]

    def __iter__(self) -> Iterator[Event]:
        event = self.source.event
        for position in self._positions:
            yield event(position)
        yield from self.tail

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment] # a mutable sequence, like the list it stands for

    def append(self, value: Event) -> None:
        self.tail.append(value)

    def extend(self, values: Iterable[Event]) -> None:
        self.tail.extend(values)

    def _spill(self) -> None:
        # Changes other than appending (which nothing in relboard makes) take the whole list in hand.
        self.tail = list(self)
        self._positions = ()

    @overload
    def __setitem__(self, index: int, value: Event) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[Event]) -> None: ...
    def __setitem__(self, index: int | slice, value: Event | Iterable[Event]) -> None:
        self._spill()
        self.tail[index] = value  # type: ignore[index,assignment] # the overloads above pair them

    def __delitem__(self, index: int | slice) -> None:
        self._spill()
        del self.tail[index]

    def insert(self, index: int, value: Event) -> None:
        self._spill()
        self.tail.insert(index, value)
