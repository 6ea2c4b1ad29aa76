"""A disposable copy of a long journal's events beside it (`<state>.cache`), so a window left open for days opens fast.

The journal stays the only source of truth. The copy is trusted only for the very bytes it was made from:
it names the length of the journal's verified prefix and the CRC-32 of those bytes (the checksum that
guards each block), so a journal that was replaced, cut short, edited or belongs to another window never
matches it. It also names the shape of what it holds (the events' fields and types, relboard's version,
Python's, the byte order), so nothing reads a copy of another shape. A copy that is missing, stale, foreign
or damaged (its own CRC-32) is ignored (the journal is read in full and the copy written again); it is
replaced atomically, and failing to write it (a read-only folder, a full disk) only costs speed.

The events were checked when they were read from the journal; each is kept as its kind's number and its
fields in msgpack (moments as their ISO text, which keeps their offset), one after the other, so that any
one of them can be decoded alone, by msgspec, in C, straight into its event type. Beside them is their
fold index (relboard.domain.fold_index): a writer folds only the parts of the window its rules look at,
decoding only their events. When the journal has grown by a megabyte the copy is written again from the old
one plus the new events, without decoding the old ones. The file is one line of JSON describing it, then
the events' offsets, the events, and the index (`parts` gives their sizes):

    {"relboard_journal_cache": 3, "length": 19908260, "journal_crc32": 123, "count": 100000, "parts": [...]}
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import sys
import zlib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import msgspec

from relboard import __version__
from relboard.domain.events import EVENT_TYPES, Event, event_fields
from relboard.domain.fold_index import EventLog, EventSource, FoldIndex, index_events
from relboard.domain.records import written_types
from relboard.store.files import write_atomically
from relboard.store.gc_pause import paused_gc

FORMAT = 3
_KEY = "relboard_journal_cache"


class CachedCopy:
    """The events of journal[:length] as the copy holds them, with their index; decoded when asked."""

    def __init__(self, length: int, offsets: array[int], blob: bytes | memoryview, index: FoldIndex) -> None:
        self.length = length
        self._offsets = offsets
        self._blob = blob
        self.index = index

    @property
    def count(self) -> int:
        return self.index.count

    def decode(self, position: int) -> Event:
        return _decode(self._blob[self._offsets[position] : self._offsets[position + 1]])

    def events(self) -> list[Event]:
        """Every event, decoded."""
        offsets, blob, decoders = self._offsets, self._blob, _DECODERS
        with paused_gc():
            return [decoders[blob[start]].decode(blob[start + 1 : end]) for start, end in pairwise(offsets)]

    def log(self) -> EventLog:
        """Every event, each decoded when first read."""
        return EventLog(EventSource(self.index, self.decode), range(self.count))


def read_cache(path: Path, journal: bytes) -> CachedCopy | None:
    """The copy at `path` when it was made from journal[:length] by this relboard; None when it cannot be trusted."""
    try:
        raw = path.read_bytes()
    except (OSError, ValueError):
        return None
    newline = raw.find(b"\n")
    if newline == -1:
        return None
    body = memoryview(raw)[newline + 1 :]  # not copied: the events stay in the file's bytes
    try:
        facts = json.loads(raw[:newline])
        if not isinstance(facts, dict):
            return None
        length, count, parts = facts.get("length"), facts.get("count"), facts.get("parts")
        if (
            facts.get(_KEY) != FORMAT
            or facts.get("shape") != _shape()
            or not isinstance(length, int)
            or not isinstance(count, int)
            or not 0 < length <= len(journal)
            or not (isinstance(parts, list) and len(parts) == 3 and all(isinstance(p, int) and p >= 0 for p in parts))
            or sum(parts) != len(body)
            or facts.get("crc32") != zlib.crc32(body)
            or facts.get("journal_crc32") != zlib.crc32(memoryview(journal)[:length])
        ):
            return None
        offsets = array("q")
        offsets.frombytes(body[: parts[0]])
        blob = body[parts[0] : parts[0] + parts[1]]
        index = _index_from(marshal.loads(body[parts[0] + parts[1] :]))
        if index.count != count or len(offsets) != count + 1 or offsets[0] != 0 or offsets[-1] != len(blob):
            return None
    except (ValueError, EOFError, TypeError, KeyError, IndexError, OverflowError):
        # Any of them means a copy not to be trusted.
        return None
    return CachedCopy(length, offsets, blob, index)


def write_cache(
    path: Path, journal: bytes, length: int, events: list[Event], previous: CachedCopy | None = None
) -> None:
    """Save the events read from journal[:length] as the copy: `previous`'s, then `events`. Silently leave
    things as they are on failure."""
    with paused_gc():
        blobs = [_encode(event) for event in events]
        offsets = array("q", [0])
        blob = bytearray()
        if previous is not None:
            offsets = array("q", previous._offsets)
            blob += previous._blob
        end = offsets[-1]
        for piece in blobs:
            end += len(piece)
            offsets.append(end)
        blob += b"".join(blobs)
        index = index_events(events, previous.index if previous is not None else None)
        parts = [offsets.tobytes(), bytes(blob), marshal.dumps(_index_to(index))]
    body = b"".join(parts)
    facts = {
        _KEY: FORMAT,
        "length": length,
        "journal_crc32": zlib.crc32(memoryview(journal)[:length]),
        "shape": _shape(),
        "count": index.count,
        "parts": [len(part) for part in parts],
        "crc32": zlib.crc32(body),
    }
    with contextlib.suppress(OSError):
        write_atomically(path, json.dumps(facts).encode("ascii") + b"\n" + body)


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
    return hashlib.sha256(json.dumps(about).encode("utf-8")).hexdigest()[:32]


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
