"""A disposable copy of a long journal's events beside it (`<state>.cache`), so a window left open for days opens fast.

The journal stays the only source of truth. The copy is trusted only for the very bytes it was made from:
it names the length of the journal's verified prefix and the CRC-32 of those bytes (the checksum that
guards each block), so a journal that was replaced, cut short, edited or belongs to another window never
matches it. It also names the shape of what it holds (the events' fields and types, relboard's version,
Python's, the byte order), so nothing reads a copy of another shape. A copy that is missing, stale, foreign
or damaged (its own CRC-32s) is ignored (the journal is read in full and the copy written again); it is
replaced atomically, and failing to write it (a read-only folder, a full disk) only costs speed.

The events were checked when they were read from the journal; each is kept as its kind's number and its
fields in msgpack (moments as their ISO text, which keeps their offset), one after the other, so that any
one of them can be decoded alone, by msgspec, in C, straight into its event type. Beside them is their
fold index (relboard.domain.fold_index): a writer folds only the parts of the window its rules look at,
decoding only their events. So a writer reads only the copy's frame (the events' offsets, each event's
CRC-32 and the index) and then each event it folds, from the file, checked against its own CRC-32: `mark`
on a 50,000-event window reads some fifteen of them, not 12 MB. An event that fails its check is taken
from the journal instead. When the journal has grown by a megabyte the copy is written again from the old
one plus the new events, without decoding the old ones. The file is one line of JSON describing it, then
the frame and the events (`parts` gives the sizes of the offsets, the CRC-32s, the index and the events):

    {"relboard_journal_cache": 4, "length": 19908260, "journal_crc32": 123, "count": 100000, "parts": [...]}
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sys
import weakref
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import msgspec

from relboard import __version__
from relboard.domain.digests import sha256_hex
from relboard.domain.events import EVENT_TYPES, Event, event_fields
from relboard.domain.fold_index import EventLog, EventSource, FoldIndex, index_events
from relboard.domain.records import written_types
from relboard.store.files import write_atomically
from relboard.store.gc_pause import paused_gc

FORMAT = 4  # 4: each event's CRC-32 in the frame, the events last
_KEY = "relboard_journal_cache"
_HEAD_LIMIT = 1 << 16  # the facts line is some hundred bytes; a longer one is not a copy of ours
_DAMAGE = (ValueError, EOFError, TypeError, KeyError, IndexError, OverflowError, OSError)
_READS_BEFORE_WHOLE = 1_000  # `mark` reads some fifteen events; a rescan reads every one


class _Whole:
    """The copy's events read at once and checked together."""

    def __init__(self, data: bytes | memoryview) -> None:
        self.data = data

    def event(self, start: int, end: int, crc: int) -> bytes | memoryview:
        return self.data[start:end]

    def whole(self) -> bytes | memoryview:
        return self.data


class _InFile:
    """The copy's events left in its file: each one read when asked, and checked alone. The descriptor is
    the one the frame was read from: a copy replaced meanwhile (atomically, by a rename) is not mixed in.
    A reader that goes on to read many of them (a writer comparing all it knows with the file) gets them
    all in one read once it has read `_READS_BEFORE_WHOLE`, checked together."""

    def __init__(self, fd: int, start: int, size: int, crc: int) -> None:
        self._fd, self._start, self._size, self._crc = fd, start, size, crc
        self._reads = 0
        self._all: bytes | None = None
        weakref.finalize(self, os.close, fd)

    def event(self, start: int, end: int, crc: int) -> bytes | memoryview:
        if self._all is None and self._reads == _READS_BEFORE_WHOLE:
            with contextlib.suppress(*_DAMAGE):  # then each is still read and checked alone
                self._all = self.whole()
        if self._all is not None:
            return memoryview(self._all)[start:end]
        self._reads += 1
        data = os.pread(self._fd, end - start, self._start + start)
        if len(data) != end - start or zlib.crc32(data) != crc:
            raise ValueError("an event of the copy fails its check")
        return data

    def whole(self) -> bytes:
        data = _read_exactly(self._fd, self._start, self._size)
        if zlib.crc32(data) != self._crc:
            raise ValueError("the copy's events fail their check")
        return data


class CachedCopy:
    """The events of journal[:length] as the copy holds them, with their index; decoded when asked."""

    def __init__(
        self, length: int, offsets: array[int], crcs: array[int], events: _Whole | _InFile, index: FoldIndex
    ) -> None:
        self.length = length
        self._offsets = offsets
        self._crcs = crcs
        self._events = events
        self.index = index
        self._from_journal: Callable[[int], Event] | None = None

    @property
    def count(self) -> int:
        return self.index.count

    def or_from_journal(self, event_at: Callable[[int], Event]) -> None:
        """Where an event that fails its check comes from instead: the journal's event at its position."""
        self._from_journal = event_at

    def decode(self, position: int) -> Event:
        offsets = self._offsets
        try:
            return _decode(self._events.event(offsets[position], offsets[position + 1], self._crcs[position]))
        except _DAMAGE:
            if self._from_journal is None:
                raise
        return self._from_journal(position)

    def events(self) -> list[Event]:
        """Every event, decoded."""
        offsets, blob, decoders = self._offsets, self._events.whole(), _DECODERS
        with paused_gc():
            return [decoders[blob[start]].decode(blob[start + 1 : end]) for start, end in pairwise(offsets)]

    def log(self) -> EventLog:
        """Every event, each decoded when first read."""
        return EventLog(EventSource(self.index, self.decode), range(self.count))


def read_cache(path: Path, journal: bytes, *, whole: bool = True) -> CachedCopy | None:
    """The copy at `path` when it was made from journal[:length] by this relboard; None when it cannot be
    trusted. `whole`: its events are read now and checked together, else each is read when decoded."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    copy = None
    with contextlib.suppress(*_DAMAGE):  # any of them means a copy not to be trusted
        copy = _read(fd, journal, whole)
    if copy is None or whole:
        os.close(fd)
    return copy


def _read(fd: int, journal: bytes, whole: bool) -> CachedCopy | None:
    head = os.pread(fd, _HEAD_LIMIT, 0)
    newline = head.find(b"\n")
    if newline == -1:
        return None
    facts = json.loads(head[:newline])
    if not isinstance(facts, dict):
        return None
    length, count, parts = facts.get("length"), facts.get("count"), facts.get("parts")
    if (
        facts.get(_KEY) != FORMAT
        or facts.get("shape") != _shape()
        or not isinstance(length, int)
        or not isinstance(count, int)
        or not 0 < length <= len(journal)
        or not (isinstance(parts, list) and len(parts) == 4 and all(isinstance(p, int) and p >= 0 for p in parts))
        or not isinstance(facts.get("events_crc32"), int)
        or os.fstat(fd).st_size != newline + 1 + sum(parts)
        or facts.get("journal_crc32") != zlib.crc32(memoryview(journal)[:length])
    ):
        return None
    frame_size = sum(parts[:3])
    frame = memoryview(_read_exactly(fd, newline + 1, frame_size))
    if facts.get("frame_crc32") != zlib.crc32(frame):
        return None
    offsets, crcs = array("q"), array("I")
    offsets.frombytes(frame[: parts[0]])
    crcs.frombytes(frame[parts[0] : parts[0] + parts[1]])
    index = _index_from(marshal.loads(frame[parts[0] + parts[1] :]))
    if (
        index.count != count
        or len(offsets) != count + 1
        or len(crcs) != count
        or offsets[0] != 0
        or offsets[-1] != parts[3]
    ):
        return None
    start, crc = newline + 1 + frame_size, facts["events_crc32"]
    if not whole:
        return CachedCopy(length, offsets, crcs, _InFile(fd, start, parts[3], crc), index)
    data = _read_exactly(fd, start, parts[3])
    if zlib.crc32(data) != crc:
        return None
    return CachedCopy(length, offsets, crcs, _Whole(data), index)


def _read_exactly(fd: int, offset: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            raise EOFError("the copy is shorter than it says")
        chunks.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def write_cache(
    path: Path, journal: bytes, length: int, events: list[Event], previous: CachedCopy | None = None
) -> None:
    """Save the events read from journal[:length] as the copy: `previous`'s, then `events`. Silently leave
    things as they are on failure (`previous`'s events failing their check among them)."""
    with paused_gc():
        blobs = [_encode(event) for event in events]
        offsets = array("q", [0])
        crcs = array("I")
        blob = bytearray()
        if previous is not None:
            try:
                blob += previous._events.whole()
            except _DAMAGE:
                return
            offsets = array("q", previous._offsets)
            crcs = array("I", previous._crcs)
        end = offsets[-1]
        for piece in blobs:
            end += len(piece)
            offsets.append(end)
            crcs.append(zlib.crc32(piece))
        blob += b"".join(blobs)
        index = index_events(events, previous.index if previous is not None else None)
        parts = [offsets.tobytes(), crcs.tobytes(), marshal.dumps(_index_to(index))]
        frame = b"".join(parts)
    facts = {
        _KEY: FORMAT,
        "length": length,
        "journal_crc32": zlib.crc32(memoryview(journal)[:length]),
        "shape": _shape(),
        "count": index.count,
        "parts": [*(len(part) for part in parts), len(blob)],
        "frame_crc32": zlib.crc32(frame),
        "events_crc32": zlib.crc32(blob),
    }
    with contextlib.suppress(OSError):
        write_atomically(path, json.dumps(facts).encode("ascii") + b"\n" + frame + blob)


def _index_to(index: FoldIndex) -> tuple[Any, ...]:
    # Positions as machine integers: a step's list is made only when that step is folded.
    return (
        index.count,
        index.skipped,
        {step: _packed(positions) for step, positions in index.by_step.items()},
        {name: _packed(positions) for name, positions in index.groups.items()},
        index.ids,
        tuple(sorted(index.other_ids)),
        _packed(index.stamps),
    )


def _index_from(data: Any) -> FoldIndex:
    count, skipped, by_step, groups, ids, other_ids, stamps = data
    if not (isinstance(count, int) and isinstance(by_step, dict) and isinstance(groups, dict)):
        raise TypeError("not an index")
    return FoldIndex(
        count,
        tuple(skipped),
        _Unpacked(by_step),
        {name: _unpacked(positions) for name, positions in groups.items()},
        bytes(ids),
        frozenset(other_ids),
        _unpacked(stamps),
    )


def _packed(numbers: Sequence[int]) -> bytes:
    return array("q", numbers).tobytes()


def _unpacked(data: bytes) -> array[int]:
    numbers = array("q")
    numbers.frombytes(data)
    return numbers


class _Unpacked(Mapping[str, Sequence[int]]):
    """Each step's positions, unpacked when that step is folded."""

    def __init__(self, packed: dict[str, bytes]) -> None:
        self._packed = packed

    def __getitem__(self, key: str) -> Sequence[int]:
        return _unpacked(self._packed[key])

    def __contains__(self, key: object) -> bool:
        return key in self._packed  # without unpacking (Mapping's own looks the item up)

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


@cache
def _shape() -> str:
    """What a copy's bytes depend on besides the journal: the events' fields and types, the index's,
    marshal's and msgspec's formats (relboard's, Python's and msgspec's versions) and the byte order."""
    kinds = [(cls.__name__, list(written_types(cls).items())) for cls in EVENT_TYPES]
    about = [kinds, __version__, list(sys.version_info[:2]), marshal.version, msgspec.__version__, sys.byteorder]
    return sha256_hex(json.dumps(about).encode("utf-8"))[:32]


def _encode(event: Event) -> bytes:
    cls = type(event)
    fields = {}
    for name in _NAMES[cls]:
        value = getattr(event, name)
        fields[name] = value.isoformat() if isinstance(value, datetime) else value
    return bytes((_KIND_NUMBER[cls],)) + _ENCODER.encode(fields)


def _decode(data: bytes | memoryview) -> Event:
    # A number past the kinds is an IndexError, fields that do not fit their type a msgspec.ValidationError
    # (a ValueError): a copy that is not ours, read no further.
    return _DECODERS[data[0]].decode(data[1:])


_KIND_NUMBER = {cls: number for number, cls in enumerate(EVENT_TYPES)}
_NAMES = {cls: tuple(name for name in event_fields(cls) if name != "kind") for cls in EVENT_TYPES}
_ENCODER = msgspec.msgpack.Encoder()
_DECODERS = [msgspec.msgpack.Decoder(cls) for cls in EVENT_TYPES]
