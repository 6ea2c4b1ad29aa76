"""The window as an iCalendar event (RFC 5545), for people to import or to find attached to the before notice."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from relboard.domain.digests import sha256_hex
from relboard.domain.notices import draft_before
from relboard.domain.plan import Plan

# The address calendars use for someone known by name only (RFC 5545 needs a URI there).
NO_ADDRESS = "invalid:nomail"
_EMAIL = re.compile(r"<\s*([^<>\s@]+@[^<>\s@]+)\s*>\s*$|^\s*([^<>\s@]+@[^<>\s@]+)\s*$")


def _organizer(owner: str) -> tuple[str, str]:
    """(common name, calendar address) from "Dana Ops", "Dana Ops <dana@example.test>" or an address."""
    match = _EMAIL.search(owner)
    if match is None:
        return owner.strip(), NO_ADDRESS
    address = match.group(1) or match.group(2)
    name = owner[: match.start()].strip().strip('"') or address
    return name, f"mailto:{address}"


def event_uid(plan: Plan) -> str:
    """The same window gives the same UID, so importing an updated file updates the event."""
    identity = "\n".join([plan.release.title, plan.release.environment, plan.release.change_ref])
    return sha256_hex(identity.encode("utf-8"))[:24] + "@relboard"


def description(plan: Plan) -> str:
    lines = [draft_before(plan), "", "Affected groups:"]
    for users in plan.affected_users:
        access = " (access interrupted)" if users.access_interrupted else ""
        lines.append(f"- {users.group}: {users.impact}{access}")
    return "\n".join(lines)


def window_calendar(plan: Plan, stamp: datetime) -> bytes:
    """The .ics file's bytes: times in the window's named zone (with its VTIMEZONE), else in UTC."""
    # Imported here: only `relboard calendar` needs it.
    from icalendar import Calendar, Event, vCalAddress, vText

    zone = ZoneInfo(plan.window.timezone) if plan.window.timezone else UTC
    calendar = Calendar()
    calendar.add("prodid", "-//relboard//maintenance window//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_uid(plan))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", plan.window.start.astimezone(zone))
    event.add("dtend", plan.window.end.astimezone(zone))
    title = f"Maintenance: {plan.release.title} ({plan.release.environment})"
    if plan.release.change_ref:
        title += f" [{plan.release.change_ref}]"
    event.add("summary", title)
    event.add("description", description(plan))
    event.add("location", plan.release.environment)
    event.add("categories", [plan.release.category.value])
    name, address = _organizer(plan.window.communication_owner)
    organizer = vCalAddress(address)
    organizer.params["cn"] = vText(name)
    organizer.params["role"] = vText("CHAIR")
    event.add("organizer", organizer, encode=False)
    if plan.release.release_notes:
        event.add("url", plan.release.release_notes)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    if plan.window.timezone:
        # The zone's rules around the window, not fifty years of them.
        year = timedelta(days=366)
        calendar.add_missing_timezones(
            first_date=(plan.window.start - year).date(), last_date=(plan.window.end + year).date()
        )
    return bytes(calendar.to_ical())
