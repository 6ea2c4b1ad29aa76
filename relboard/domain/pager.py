"""Paging the escalation path: when to offer it, what the page says, and what PagerDuty already knows.

A page is never automatic: the board offers it (a criterion tripped, or a rollback or reschedule
decision recorded, that no delivered page told of yet) and the engineer says yes. Every page of a
window shares one dedup key, so PagerDuty groups them into one incident, which the completion
notice resolves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from msgspec import Struct

from relboard.domain.digests import sha256_hex
from relboard.domain.events import Decision, NoticeKind, NoticeSent
from relboard.domain.plan import Plan
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.domain.text import one_line

PAGER = "pagerduty"
PAGER_MAINTENANCE = "pagerduty-maintenance"
PAGED_DECISIONS = (Decision.ROLLBACK, Decision.RESCHEDULE)
MAX_SUMMARY = 1024  # the Events API's limit for payload.summary


class PageOffer(Struct, frozen=True):
    """What the board offers to page for: reasons no delivered page covered yet, and the page's text."""

    reasons: tuple[str, ...]
    summary: str


def _pages(state: WindowState, channel: str = PAGER) -> list[NoticeSent]:
    return [n for n in state.notices if n.notice is NoticeKind.PAGE and n.channel == channel]


def dedup_key(state: WindowState) -> str:
    """The window's one dedup key: the one already used, else one made from the plan's identity."""
    for page in _pages(state):
        if page.ref:
            return page.ref
    plan = state.plan
    identity = "\n".join(
        [plan.release.title, plan.release.environment, plan.release.change_ref, plan.window.start.isoformat()]
    )
    return "relboard-" + sha256_hex(identity.encode("utf-8"))[:20]


def page_reasons(state: WindowState) -> list[str]:
    """What would justify a page now: each tripped criterion and each rollback or reschedule decision."""
    reasons = [f"criterion:{c.criterion.id}" for c in evaluate(state) if c.tripped]
    reasons += [
        f"decision:{d.decision.value}:{d.at.astimezone(UTC).isoformat()}"
        for d in state.decisions
        if d.decision in PAGED_DECISIONS
    ]
    return reasons


def covered(state: WindowState) -> set[str]:
    return {reason for page in _pages(state) if page.delivered and page.action == "trigger" for reason in page.covers}


def page_offer(state: WindowState) -> PageOffer | None:
    """None when there is nothing new to page for (or no pager in the plan)."""
    if state.plan.escalation.pagerduty is None:
        return None
    done = covered(state)
    fresh = tuple(r for r in page_reasons(state) if r not in done)
    if not fresh:
        return None
    return PageOffer(fresh, page_summary(state))


def page_summary(state: WindowState) -> str:
    """One line for the pager: which window, what tripped, what was decided, who decides."""
    plan = state.plan
    where = ", ".join(p for p in (plan.release.environment, plan.release.change_ref) if p)
    parts = [f"{plan.release.title} ({where})"]
    tripped = [c for c in evaluate(state) if c.tripped]
    if tripped:
        parts.append("rollback criteria tripped: " + "; ".join(c.criterion.condition for c in tripped))
    last = state.last_decision
    if last is not None and last.decision in PAGED_DECISIONS:
        parts.append(
            f"decided: {last.decision.value} ({last.rationale})"
            if last.rationale
            else f"decided: {last.decision.value}"
        )
    if not tripped and (last is None or last.decision not in PAGED_DECISIONS):
        parts.append("the maintenance window needs the escalation path")
    parts.append("decision owners: " + ", ".join(plan.decision_owners))
    return one_line(" — ".join(parts), MAX_SUMMARY)


def trigger_body(state: WindowState, summary: str, routing_key: str) -> dict[str, Any]:
    plan = state.plan
    pager = plan.escalation.pagerduty
    severity = pager.severity if pager is not None else "critical"
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key(state),
        "payload": {
            "summary": one_line(summary, MAX_SUMMARY),
            "source": f"relboard: {plan.release.environment}",
            "severity": severity,
            "component": plan.release.title,
            "group": plan.release.environment,
            "class": "maintenance window",
            "custom_details": {
                "change_ref": plan.release.change_ref,
                "window_start": plan.window.start.isoformat(),
                "window_end": plan.window.end.isoformat(),
                "tripped": [c.criterion.id for c in evaluate(state) if c.tripped],
                "decision": state.last_decision.decision.value if state.last_decision else "",
                "escalation": list(plan.window.escalation),
            },
        },
        "client": "relboard",
    }


def resolve_body(state: WindowState, routing_key: str) -> dict[str, Any]:
    return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": dedup_key(state)}


def needs_resolve(state: WindowState) -> bool:
    """A delivered page with no delivered resolve after it: the completion notice resolves it."""
    open_incident = False
    for page in _pages(state):
        if page.delivered and page.action == "trigger":
            open_incident = True
        elif page.delivered and page.action == "resolve":
            open_incident = False
    return open_incident


# --- the maintenance window that keeps the window's own alerts from paging anyone -------------------


def maintenance_id(state: WindowState) -> str:
    """The PagerDuty maintenance window made for this window ("" when none was made)."""
    made = ""
    for event in state.notices:
        if event.channel == PAGER_MAINTENANCE and event.delivered and event.action == "create" and event.ref:
            made = event.ref
    return made


def maintenance_ended(state: WindowState) -> bool:
    ident = maintenance_id(state)
    return bool(ident) and any(
        e.channel == PAGER_MAINTENANCE and e.delivered and e.action == "end" and e.ref == ident for e in state.notices
    )


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def maintenance_body(plan: Plan) -> dict[str, Any]:
    pager = plan.escalation.pagerduty
    services = list(pager.services) if pager is not None else []
    description = f"{plan.release.title} ({plan.release.environment})"
    if plan.release.change_ref:
        description += f", {plan.release.change_ref}"
    return {
        "maintenance_window": {
            "type": "maintenance_window",
            "start_time": _utc(plan.window.start),
            "end_time": _utc(plan.window.end),
            "description": one_line(description, 1000),
            "services": [{"id": service, "type": "service_reference"} for service in services],
        }
    }
