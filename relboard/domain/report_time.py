"""Moments as the report writes them: '2026-12-05 22:00:00 CET', in the window's zone, to the second.

A long window's report writes a hundred thousand of them, one per event; converting each to its zone and
formatting it was a tenth of the report's time. `TimeWriter` converts once per minute: a minute in which
the zone keeps one offset and one name reads the same up to its seconds, which are the moment's own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY = 86_400
_SECONDS = [f"{second:02d}" for second in range(60)]


def format_time(moment: datetime | None, zone: tzinfo | None) -> str:
    """One moment in `zone` (None: the machine's own zone)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    # isoformat writes the same digits faster than a format string; it pads years below 1000, which %Y
    # does not.
    text = local.isoformat(" ", "seconds")[:19] if local.year >= 1000 else f"{local:%Y-%m-%d %H:%M:%S}"
    return f"{text} {local.tzname() or ''}".rstrip()


class TimeWriter:
    """`format_time` for many moments in one zone."""

    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone
        # A minute since the epoch: its text before the seconds and after them, or None when the zone
        # changes its offset or name within it, or its offset is not whole minutes (old local mean times).
        self._minutes: dict[int, tuple[str, str] | None] = {}

    def __call__(self, moment: datetime | None) -> str:
        # A moment already in the zone is written as it reads, even a local time the zone skips.
        if moment is None or moment.tzinfo is self.zone or moment.utcoffset() is None:
            return format_time(moment, self.zone)
        if moment.microsecond:
            since = moment - _EPOCH
            whole = since.days * _DAY + since.seconds
        else:
            whole = int(moment.timestamp())  # a whole number of seconds: exact as a float
        minute, second = divmod(whole, 60)
        try:
            parts = self._minutes[minute]
        except KeyError:
            parts = self._minutes[minute] = self._minute(minute)
        if parts is None:
            return format_time(moment, self.zone)
        return parts[0] + _SECONDS[second] + parts[1]

    def _minute(self, minute: int) -> tuple[str, str] | None:
        try:
            first = (_EPOCH + timedelta(minutes=minute)).astimezone(self.zone)
            last = (_EPOCH + timedelta(minutes=minute, seconds=59)).astimezone(self.zone)
        except OverflowError:
            return None
        offset = first.utcoffset()
        if offset is None or offset != last.utcoffset() or first.tzname() != last.tzname() or offset.seconds % 60:
            return None
        text = format_time(first, self.zone)  # '... HH:MM:00 CET'
        return text[:17], text[19:]
