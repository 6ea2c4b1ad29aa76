"""PagerDuty: pages through the Events API v2, and a maintenance window through the REST API.

Keys are read from the variables the plan names when sending: the routing key goes only into the
event's `routing_key` field (where the Events API wants it), the REST token only into the
`Authorization: Token token=...` header; both are masked out of every detail kept or shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime

from relboard.domain.events import NoticeKind, NoticeSent
from relboard.domain.pager import (
    PAGER,
    PAGER_MAINTENANCE,
    covered,
    dedup_key,
    maintenance_body,
    maintenance_ended,
    maintenance_id,
    page_reasons,
    resolve_body,
    trigger_body,
)
from relboard.domain.plan import PagerDuty
from relboard.domain.state import WindowState
from relboard.net.http_send import DEFAULT_RETRY, Retry, send_json
from relboard.net.secrets import MissingSecret, read_env
from relboard.net.statuspage import NotConfigured

PAGE_LABEL = "PagerDuty"
MAINTENANCE_LABEL = "PagerDuty maintenance window"
_REST_ACCEPT = "application/vnd.pagerduty+json;version=2"


def _pager(state: WindowState) -> PagerDuty:
    pager = state.plan.escalation.pagerduty
    if pager is None:
        raise NotConfigured("the plan has no [escalation.pagerduty] table")
    return pager


def routing_key(state: WindowState, env: Mapping[str, str] = os.environ) -> str:
    pager = _pager(state)
    try:
        return read_env(pager.routing_key_env, env)
    except MissingSecret as error:
        raise NotConfigured(f"{error} (it holds the PagerDuty routing key)") from None


def manages_maintenance(state: WindowState) -> bool:
    pager = state.plan.escalation.pagerduty
    return pager is not None and pager.api_token_env is not None and bool(pager.services)


def api_token(state: WindowState, env: Mapping[str, str] = os.environ) -> str:
    pager = _pager(state)
    if pager.api_token_env is None:
        raise NotConfigured("[escalation.pagerduty] names no api_token_env")
    try:
        return read_env(pager.api_token_env, env)
    except MissingSecret as error:
        raise NotConfigured(f"{error} (it holds the PagerDuty REST API token)") from None


def _event(state: WindowState, key: str, body: dict[str, object], retry: Retry, action: str) -> tuple[bool, str]:
    url = f"{_pager(state).api_url.rstrip('/')}/v2/enqueue"
    answer = send_json("POST", url, label=f"{PAGE_LABEL} ({action})", body=body, secrets=[key], retry=retry)
    return answer.ok, answer.detail


def page(
    state: WindowState,
    summary: str,
    *,
    by: str,
    at: datetime,
    env: Mapping[str, str] = os.environ,
    retry: Retry = DEFAULT_RETRY,
) -> NoticeSent:
    """Trigger (or add to) the window's incident. Raises NotConfigured."""
    key = routing_key(state, env)
    ok, detail = _event(state, key, trigger_body(state, summary, key), retry, "trigger")
    reasons = [r for r in page_reasons(state) if r not in covered(state)]
    return NoticeSent(
        at=at,
        by=by,
        notice=NoticeKind.PAGE,
        delivered=ok,
        channel=PAGER,
        detail=detail,
        text=summary,
        action="trigger",
        ref=dedup_key(state),
        covers=reasons,
    )


def resolve(
    state: WindowState,
    *,
    by: str,
    at: datetime,
    env: Mapping[str, str] = os.environ,
    retry: Retry = DEFAULT_RETRY,
) -> NoticeSent:
    key = routing_key(state, env)
    ok, detail = _event(state, key, resolve_body(state, key), retry, "resolve")
    return NoticeSent(
        at=at,
        by=by,
        notice=NoticeKind.PAGE,
        delivered=ok,
        channel=PAGER,
        detail=detail,
        action="resolve",
        ref=dedup_key(state),
    )


def _rest_headers(state: WindowState, token: str) -> dict[str, str]:
    headers = {"Authorization": f"Token token={token}", "Accept": _REST_ACCEPT}
    sender = _pager(state).from_email
    if sender:
        headers["From"] = sender
    return headers


def start_maintenance(
    state: WindowState,
    *,
    by: str,
    at: datetime,
    env: Mapping[str, str] = os.environ,
    retry: Retry = DEFAULT_RETRY,
) -> NoticeSent | None:
    """Create the window's maintenance window; None when the plan asks for none or one was made."""
    if not manages_maintenance(state) or maintenance_id(state):
        return None
    token = api_token(state, env)
    url = f"{_pager(state).rest_url.rstrip('/')}/maintenance_windows"
    answer = send_json(
        "POST",
        url,
        label=f"{MAINTENANCE_LABEL} (create)",
        headers=_rest_headers(state, token),
        body=maintenance_body(state.plan),
        secrets=[token],
        retry=retry,
    )
    window = answer.body.get("maintenance_window") if isinstance(answer.body, dict) else None
    found = window.get("id") if isinstance(window, dict) else None
    return NoticeSent(
        at=at,
        by=by,
        notice=NoticeKind.BEFORE,
        delivered=answer.ok,
        channel=PAGER_MAINTENANCE,
        detail=answer.detail,
        action="create",
        ref=found if isinstance(found, str) else "",
    )


def end_maintenance(
    state: WindowState,
    *,
    by: str,
    at: datetime,
    env: Mapping[str, str] = os.environ,
    retry: Retry = DEFAULT_RETRY,
) -> NoticeSent | None:
    """End the window's maintenance window (PagerDuty ends a running one on DELETE); None when there is none."""
    ident = maintenance_id(state)
    if not manages_maintenance(state) or not ident or maintenance_ended(state):
        return None
    token = api_token(state, env)
    url = f"{_pager(state).rest_url.rstrip('/')}/maintenance_windows/{ident}"
    answer = send_json(
        "DELETE",
        url,
        label=f"{MAINTENANCE_LABEL} (end)",
        headers=_rest_headers(state, token),
        secrets=[token],
        retry=retry,
    )
    return NoticeSent(
        at=at,
        by=by,
        notice=NoticeKind.AFTER,
        delivered=answer.ok,
        channel=PAGER_MAINTENANCE,
        detail=answer.detail,
        action="end",
        ref=ident,
    )
