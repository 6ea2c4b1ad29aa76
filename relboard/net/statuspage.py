"""Sending a notice to Atlassian Statuspage (REST API v1): the window as a scheduled maintenance.

The API key is read from the variable the plan names when sending, goes only into the
`Authorization: OAuth ...` header, and is masked out of every detail kept or shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime

from relboard.domain.events import NoticeKind, NoticeSent
from relboard.domain.state import WindowState
from relboard.domain.statuspage import STATUSPAGE, incident_body, maintenance_id
from relboard.net.http_send import DEFAULT_RETRY, Retry, send_json
from relboard.net.secrets import MissingSecret, read_env

LABEL = "status page"


class NotConfigured(Exception):
    """The plan has no such channel, or its secret variable is not set: nothing was sent."""


def api_key(state: WindowState, env: Mapping[str, str] = os.environ) -> str:
    page = state.plan.notices.statuspage
    if page is None:
        raise NotConfigured("the plan has no [notices.statuspage] table")
    try:
        return read_env(page.api_key_env, env)
    except MissingSecret as error:
        raise NotConfigured(f"{error} (it holds the Statuspage API key)") from None


def send(
    state: WindowState,
    kind: NoticeKind,
    text: str,
    *,
    by: str,
    at: datetime,
    in_progress: bool = False,
    env: Mapping[str, str] = os.environ,
    retry: Retry = DEFAULT_RETRY,
) -> NoticeSent | None:
    """Create, update or complete the window's scheduled maintenance; None when there is nothing to
    update (an after or decision notice before any maintenance was made). Raises NotConfigured."""
    page = state.plan.notices.statuspage
    key = api_key(state, env)
    assert page is not None
    ident = maintenance_id(state)
    action, body = incident_body(state.plan, kind, text, in_progress=in_progress)
    incidents = f"{page.api_url.rstrip('/')}/v1/pages/{page.page_id}/incidents"
    headers = {"Authorization": f"OAuth {key}"}
    if ident:
        method, url, ref = "PATCH", f"{incidents}/{ident}", ident
    elif kind is NoticeKind.BEFORE:
        method, url, ref, action = "POST", incidents, "", "create"
    else:
        return None
    label = f"{LABEL} ({action})"
    answer = send_json(method, url, label=label, headers=headers, body=body, secrets=[key], retry=retry)
    if not ref and isinstance(answer.body, dict) and isinstance(answer.body.get("id"), str):
        ref = answer.body["id"]
    detail = answer.detail
    if answer.ok and not ref:
        detail += " (the answer named no maintenance id; a later send will make another)"
    return NoticeSent(
        at=at,
        by=by,
        notice=kind,
        delivered=answer.ok,
        channel=STATUSPAGE,
        detail=detail,
        text=text,
        action=action,
        ref=ref,
    )
