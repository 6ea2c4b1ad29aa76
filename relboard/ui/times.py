"""Times on the board, all in one zone: the window's (where the window was announced), or UTC with --utc."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from relboard.domain.plan import Plan


def board_zone(plan: Plan, utc: bool) -> tzinfo:
    zone = plan.window.zone
    return UTC if utc or zone is None else zone


def hhmm(at: datetime | None, zone: tzinfo) -> str:
    return at.astimezone(zone).strftime("%H:%M") if at is not None else ""


def zone_name(zone: tzinfo, at: datetime) -> str:
    """What the zone is called at that moment ("CET", "CEST", "UTC"), for the header."""
    return at.astimezone(zone).tzname() or str(zone)
