"""Durations as people write them in a plan: "2h30m", "90m", "45s"."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$", re.IGNORECASE)

DURATION_PATTERN = r"^\s*(?:\d+\s*h)?\s*(?:\d+\s*m)?\s*(?:\d+\s*s)?\s*$"


def parse_duration(text: str) -> timedelta:
    """Parse "2h30m" / "90m" / "1h" / "45s"; raise ValueError with the accepted forms."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        raise ValueError(f'{text!r} is not a duration; write it like "2h30m", "90m" or "45s"')
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration: "2h30m", "90m" stays "1h30m", zero is "0m"."""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{seconds}s" if seconds else ""]
    return "".join(parts) or "0m"


def format_clock(value: timedelta) -> str:
    """H:MM:SS for clocks and countdowns, "8d 12:38:25" from a day up; never negative (callers say
    "passed" or "overrun")."""
    total = max(0, int(value.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    # Past a day, "204:38:25" makes the reader divide by 24 at 3 a.m.
    if days:
        return f"{days}d {hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{hours}:{minutes:02d}:{seconds:02d}"
