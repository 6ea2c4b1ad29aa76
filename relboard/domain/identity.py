"""Who wrote an event, its unique id, and a clock that orders events across machines.

Laptop clocks drift, so "the latest mark wins" cannot trust wall time alone once a window spans
machines. Each event carries a hybrid logical clock stamp (HLC): the writer's wall time in
milliseconds, a counter, and the writer, written so that comparing the strings compares the stamps.
A writer's clock is advanced past every stamp it has seen, so an event made after seeing another
always sorts after it, however slow the second machine's clock is. People still see `at`.

    id   01JEXAMPLE0000000000000000   26 characters of Crockford base32: 48 bits of milliseconds,
                                       then 80 random bits (sortable by creation time, like a ULID)
    hlc  1764859682123-0000-k3v9q2xa  wall ms (13 digits), counter (4 digits), writer
"""

from __future__ import annotations

import os
import re
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from msgspec import Struct
from msgspec.structs import replace

from relboard.domain.digests import sha256_digest

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
WRITER_PATTERN = r"^[a-z0-9]{1,32}$"
HLC_PATTERN = r"^[0-9]{13}-[0-9]{4}-[a-z0-9]{1,32}$"
_HLC = re.compile(HLC_PATTERN)
_COUNTER_LIMIT = 10_000  # four digits keep the stamps sortable as strings
# A stamp further ahead of this machine's clock than this is a broken clock (or a hostile one): it is
# not followed, or one bad machine would drag every later stamp of the window into the future.
MAX_AHEAD_MS = 24 * 3600 * 1000


def _base32(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(out))


def new_id(wall_ms: int | None = None) -> str:
    """A fresh, globally unique id that sorts by its creation time."""
    ms = int(time.time() * 1000) if wall_ms is None else wall_ms
    # os.urandom is what secrets.token_bytes returns, without `secrets` and the modules it imports.
    return _base32(ms & ((1 << 48) - 1), 10) + _base32(int.from_bytes(os.urandom(10), "big"), 16)


def content_id(at: datetime, data: bytes) -> str:
    """The id of an event saved before events had ids: the same bytes always give the same id."""
    ms = max(0, int(at.timestamp() * 1000))
    digest = int.from_bytes(sha256_digest(data)[:10], "big")
    return _base32(ms & ((1 << 48) - 1), 10) + _base32(digest, 16)


def format_hlc(wall_ms: int, counter: int, writer: str) -> str:
    return f"{wall_ms:013d}-{counter:04d}-{writer}"


def parse_hlc(stamp: str) -> tuple[int, int, str] | None:
    if not _HLC.match(stamp):
        return None
    wall, counter, writer = stamp.split("-", 2)
    return int(wall), int(counter), writer


def stamp_key(stamp: str) -> int | None:
    """A stamp as one integer that sorts as the stamps do by time (wall ms, then counter); None when malformed."""
    parsed = parse_hlc(stamp)
    return None if parsed is None else parsed[0] * _COUNTER_LIMIT + parsed[1]


class HybridClock:
    """One writer's clock: `stamp()` for each event it makes, `observe()` every stamp it sees."""

    def __init__(self, writer: str, wall_ms: Callable[[], int] | None = None) -> None:
        if not re.match(WRITER_PATTERN, writer):
            raise ValueError(f"{writer!r} is not a writer id (lowercase letters and digits, at most 32)")
        self.writer = writer
        self._wall_ms = wall_ms or (lambda: int(time.time() * 1000))
        self._last = (0, 0)

    def stamp(self) -> str:
        wall = self._wall_ms()
        last_wall, counter = self._last
        if wall > last_wall:
            self._last = (wall, 0)
        elif counter + 1 < _COUNTER_LIMIT:
            self._last = (last_wall, counter + 1)
        else:
            self._last = (last_wall + 1, 0)
        return format_hlc(*self._last, self.writer)

    def observe(self, stamp: str | None) -> None:
        """Advance past a stamp seen in the journal or from the hub (ignores malformed and far-future ones)."""
        parsed = parse_hlc(stamp) if stamp else None
        if parsed is None:
            return
        wall, counter, _ = parsed
        if wall - self._wall_ms() > MAX_AHEAD_MS:
            return
        self._last = max(self._last, (wall, counter))

    def observe_all(self, events: Iterable[_Stamped]) -> None:
        for event in events:
            self.observe(event.hlc)

    def observe_keys(self, keys: Sequence[int]) -> None:
        """`observe` every stamp of `keys` (stamp_key values, sorted), without going through them one by one."""
        limit = (self._wall_ms() + MAX_AHEAD_MS + 1) * _COUNTER_LIMIT
        below = bisect_right(keys, limit - 1)
        if below:
            wall, counter = divmod(keys[below - 1], _COUNTER_LIMIT)
            self._last = max(self._last, (wall, counter))


class _Stamped(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def id(self) -> str | None: ...
    @property
    def hlc(self) -> str | None: ...


_E = TypeVar("_E", bound=Struct)  # an event: every one is a record with an id, a writer and an hlc


def stamped(event: _E, clock: HybridClock) -> _E:
    """A copy of `event` with a new id, its writer and an HLC stamp; an event that has an id keeps it."""
    if getattr(event, "id", None) is not None:
        return event
    stamp = clock.stamp()
    wall = int(stamp[:13])
    return replace(event, id=new_id(wall), writer=clock.writer, hlc=stamp)


class Stamper:
    """Gives each new event of one writer its identity, with a clock past every event of the window.

    Called with the window's events as they stand (the fold's list): it observes only those it has not
    seen yet, so stamping stays cheap however long the window runs."""

    def __init__(self, writer: str, wall_ms: Callable[[], int] | None = None) -> None:
        self.clock = HybridClock(writer, wall_ms)
        self._seen = 0

    def __call__(self, event: _E, window_events: Sequence[_Stamped]) -> _E:
        if len(window_events) < self._seen:
            self._seen = 0  # another window's list: look at all of it
        self.clock.observe_all(window_events[self._seen :])
        self._seen = len(window_events)
        return stamped(event, self.clock)

    def skip(self, count: int, keys: Sequence[int]) -> None:
        """Take the window's first `count` events as observed, given their stamps as sorted keys (a cached
        fold keeps them so), so that a long window's events need not be read to stamp the next one."""
        self.clock.observe_keys(keys)
        self._seen = count


def is_later(event: _Stamped, than: _Stamped) -> bool:
    """Whether `event` happened after `than`: by HLC when both have one, by wall time otherwise."""
    if event.hlc is not None and than.hlc is not None:
        return (event.hlc, event.id or "") > (than.hlc, than.id or "")
    return event.at > than.at


def is_later_or_same(event: _Stamped, than: _Stamped) -> bool:
    """`is_later`, with a tie going to `event` (read later in the journal) as for events of one machine."""
    if event.hlc is not None and than.hlc is not None:
        return (event.hlc, event.id or "") >= (than.hlc, than.id or "")
    return event.at >= than.at
