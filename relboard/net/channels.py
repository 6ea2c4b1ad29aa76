"""Where a notice goes: every channel the plan configures, each send recorded as its own event.

- webhook: the notice's text to the chat webhook (`[notices] webhook_env`);
- statuspage: the window's scheduled maintenance (`[notices.statuspage]`);
- pagerduty: the before notice starts the PagerDuty maintenance window, the after notice ends it
  and resolves the window's incident (`[escalation.pagerduty]`); pages themselves are sent apart.

`plan_sends` says what a notice would do, `missing_secrets` what stops it (checked before anything
is sent, so a misconfigured laptop sends nothing rather than half), `send` does one of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from msgspec import Struct

from relboard.domain.events import NoticeKind, NoticeSent
from relboard.domain.pager import maintenance_ended, maintenance_id, needs_resolve
from relboard.domain.state import WindowState
from relboard.domain.statuspage import maintenance_id as page_maintenance
from relboard.net import pagerduty, statuspage
from relboard.net.http_send import DEFAULT_RETRY, Retry
from relboard.net.statuspage import NotConfigured
from relboard.net.webhook import WebhookNotConfigured, post_notice, webhook_label, webhook_url

CHANNELS = ("webhook", "statuspage", "pagerduty")


class Send(Struct, frozen=True):
    """One thing a notice makes happen: `channel` and what it does there, in words for a person."""

    channel: str
    action: str
    what: str


def plan_sends(state: WindowState, kind: NoticeKind, channels: Iterable[str] | None = None) -> list[Send]:
    """What sending this notice does, on the chosen channels (default: every configured one)."""
    plan = state.plan
    wanted = set(CHANNELS if channels is None else channels)
    sends: list[Send] = []
    if "webhook" in wanted and plan.notices.webhook_env:
        sends.append(Send("webhook", "post", f"post to the {webhook_label(plan.notices)}"))
    if "statuspage" in wanted and plan.notices.statuspage is not None:
        made = bool(page_maintenance(state))
        if kind is NoticeKind.BEFORE and not made:
            sends.append(Send("statuspage", "create", "create the scheduled maintenance on the status page"))
        elif kind is NoticeKind.BEFORE or made:
            verb = "complete" if kind is NoticeKind.AFTER else "update"
            sends.append(Send("statuspage", verb, f"{verb} the scheduled maintenance on the status page"))
    if "pagerduty" in wanted and plan.escalation.pagerduty is not None:
        if kind is NoticeKind.BEFORE and pagerduty.manages_maintenance(state) and not maintenance_id(state):
            sends.append(Send("pagerduty", "start-maintenance", "create the PagerDuty maintenance window"))
        if kind is NoticeKind.AFTER:
            if pagerduty.manages_maintenance(state) and maintenance_id(state) and not maintenance_ended(state):
                sends.append(Send("pagerduty", "end-maintenance", "end the PagerDuty maintenance window"))
            if needs_resolve(state):
                sends.append(Send("pagerduty", "resolve", "resolve the window's PagerDuty incident"))
    return sends


def missing_secrets(state: WindowState, sends: Iterable[Send], env: Mapping[str, str] = os.environ) -> list[str]:
    """Why each send could not go out (a variable not set), before anything is sent."""
    problems: list[str] = []
    for item in sends:
        try:
            if item.channel == "webhook":
                webhook_url(state.plan.notices, env)
            elif item.channel == "statuspage":
                statuspage.api_key(state, env)
            elif item.action == "resolve":
                pagerduty.routing_key(state, env)
            else:
                pagerduty.api_token(state, env)
        except (WebhookNotConfigured, NotConfigured) as error:
            if str(error) not in problems:
                problems.append(str(error))
    return problems


def send(
    state: WindowState,
    kind: NoticeKind,
    item: Send,
    text: str,
    *,
    by: str,
    at: datetime,
    in_progress: bool = False,
    env: Mapping[str, str] = os.environ,
    retry: Retry = DEFAULT_RETRY,
) -> NoticeSent | None:
    """Do one send and return its event to record (None: nothing left to do there). Raises NotConfigured
    or WebhookNotConfigured when a secret went missing since `missing_secrets` looked."""
    if item.channel == "webhook":
        result = post_notice(
            webhook_url(state.plan.notices, env),
            text,
            attempts=retry.attempts,
            backoff=retry.backoff,
            timeout=retry.timeout,
            label=webhook_label(state.plan.notices),
        )
        return NoticeSent(
            at=at, by=by, notice=kind, delivered=result.delivered, channel="webhook", detail=result.detail, text=text
        )
    if item.channel == "statuspage":
        return statuspage.send(state, kind, text, by=by, at=at, in_progress=in_progress, env=env, retry=retry)
    actions: dict[str, Callable[..., NoticeSent | None]] = {
        "start-maintenance": pagerduty.start_maintenance,
        "end-maintenance": pagerduty.end_maintenance,
        "resolve": pagerduty.resolve,
    }
    return actions[item.action](state, by=by, at=at, env=env, retry=retry)
