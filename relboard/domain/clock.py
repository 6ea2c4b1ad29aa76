"""The window clock: before, in, past the rollback deadline, overrun. Pure; `now` is passed in.

All arithmetic is on aware datetimes (absolute instants), so DST changes and zones only affect
how a time is shown, never how long something lasts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from msgspec import Struct

from relboard.domain.durations import format_clock
from relboard.domain.plan import Window

DEADLINE_WARNING = timedelta(minutes=15)


class WindowPhase(StrEnum):
    BEFORE = "before"
    IN_WINDOW = "in-window"
    OVERRUN = "overrun"


class Alert(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ALARM = "alarm"


class ClockReading(Struct, frozen=True):
    now: datetime
    start: datetime
    end: datetime
    deadline: datetime
    phase: WindowPhase

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def starts_in(self) -> timedelta:
        return max(self.start - self.now, timedelta(0))

    @property
    def elapsed(self) -> timedelta:
        return min(max(self.now - self.start, timedelta(0)), self.duration)

    @property
    def remaining(self) -> timedelta:
        return max(self.end - self.now, timedelta(0))

    @property
    def overrun(self) -> timedelta:
        return max(self.now - self.end, timedelta(0))

    @property
    def deadline_left(self) -> timedelta:
        return self.deadline - self.now

    @property
    def deadline_passed(self) -> bool:
        return self.now >= self.deadline

    @property
    def deadline_alert(self) -> Alert:
        if self.deadline_passed:
            return Alert.ALARM
        if self.deadline_left <= DEADLINE_WARNING:
            return Alert.WARNING
        return Alert.OK

    def window_text(self) -> str:
        if self.phase is WindowPhase.BEFORE:
            return f"starts in {format_clock(self.starts_in)}"
        if self.phase is WindowPhase.IN_WINDOW:
            return (
                f"in window {format_clock(self.elapsed)} of {format_clock(self.duration)}"
                f" · {format_clock(self.remaining)} left"
            )
        return f"OVERRUN +{format_clock(self.overrun)}"

    def deadline_text(self, zone: tzinfo | None = None) -> str:
        at = self.deadline.astimezone(zone).strftime("%H:%M") if zone else self.deadline.strftime("%H:%M")
        if self.deadline_passed:
            return f"rollback decision by {at} (passed {format_clock(-self.deadline_left)} ago)"
        return f"rollback decision by {at} (in {format_clock(self.deadline_left)})"


def read_clock(window: Window, now: datetime) -> ClockReading:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    start, end = window.start, window.end
    if now < start:
        phase = WindowPhase.BEFORE
    elif now < end:
        phase = WindowPhase.IN_WINDOW
    else:
        phase = WindowPhase.OVERRUN
    return ClockReading(now=now, start=start, end=end, deadline=window.rollback_deadline, phase=phase)


class RehearsalClock:
    """A clock that starts at a chosen instant and runs forward at real speed (`--now`)."""

    def __init__(self, start: datetime, monotonic: Callable[[], float]) -> None:
        self._start = start
        self._monotonic = monotonic
        self._origin = monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=self._monotonic() - self._origin)
