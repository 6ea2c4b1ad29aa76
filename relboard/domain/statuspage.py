"""The window on the company status page: an Atlassian Statuspage scheduled maintenance.

The before notice creates it (or, once created, updates it: the id is recorded, so a second send
never makes a second maintenance); sent during the window it sets the maintenance in progress; a
decision notice adds an update; the after notice completes it with the result.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relboard.domain.events import NoticeKind
from relboard.domain.plan import Plan
from relboard.domain.state import WindowState

STATUSPAGE = "statuspage"


def maintenance_id(state: WindowState) -> str:
    """The scheduled maintenance made for this window ("" when none was made yet)."""
    made = ""
    for event in state.notices:
        if event.channel == STATUSPAGE and event.delivered and event.action == "create" and event.ref:
            made = event.ref
    return made


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def maintenance_name(plan: Plan) -> str:
    return f"{plan.release.title} ({plan.release.environment})"


def incident_body(plan: Plan, kind: NoticeKind, text: str, *, in_progress: bool = False) -> tuple[str, dict[str, Any]]:
    """(action, JSON body) for a notice of `kind`: the Statuspage REST API's `incident` object."""
    page = plan.notices.statuspage
    components = list(page.components) if page is not None else []
    incident: dict[str, Any] = {"body": text}
    if kind is NoticeKind.BEFORE:
        incident |= {
            "name": maintenance_name(plan),
            "status": "in_progress" if in_progress else "scheduled",
            "scheduled_for": _utc(plan.window.start),
            "scheduled_until": _utc(plan.window.end),
            "scheduled_remind_prior": False,
            "scheduled_auto_in_progress": False,
            "scheduled_auto_completed": False,
            "component_ids": components,
        }
        if in_progress:
            incident["components"] = dict.fromkeys(components, "under_maintenance")
        return ("in_progress" if in_progress else "schedule"), {"incident": incident}
    if kind is NoticeKind.AFTER:
        incident |= {
            "status": "completed",
            "component_ids": components,
            "components": dict.fromkeys(components, "operational"),
        }
        return "complete", {"incident": incident}
    return "update", {"incident": incident}
