"""Posting a notice to an incoming webhook (Slack, Mattermost and Teams accept JSON {"text": ...}).

The webhook URL is a secret (whoever has it can post): it comes from an environment variable and is
never written into a detail, an event or the screen; details name the variable instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from msgspec import Struct

from relboard.domain.plan import Notices
from relboard.net.http_send import Retry, Words, send_json, url_problem
from relboard.net.secrets import MissingSecret, read_env


class WebhookNotConfigured(Exception):
    """The plan names no webhook variable, or the variable is not set: a usage problem, not a delivery failure."""


class DeliveryResult(Struct, frozen=True):
    delivered: bool
    attempts: int
    detail: str


def webhook_label(notices: Notices) -> str:
    return f"webhook from ${notices.webhook_env}" if notices.webhook_env else "webhook"


def webhook_url(notices: Notices, env: Mapping[str, str] = os.environ) -> str:
    if not notices.webhook_env:
        raise WebhookNotConfigured('the plan names no webhook: add webhook_env = "NAME" to its [notices] table')
    try:
        return read_env(notices.webhook_env, env)
    except MissingSecret as error:
        raise WebhookNotConfigured(f"{error} (it holds the webhook URL)") from None


def webhook_warning(notices: Notices, env: Mapping[str, str] = os.environ) -> str | None:
    """What `validate` says when the plan's webhook variable is set but holds no URL a notice can go to."""
    if not notices.webhook_env:
        return None
    value = env.get(notices.webhook_env, "")
    problem = url_problem(value) if value else None
    if problem is None:
        return None
    return f"${notices.webhook_env} holds no usable webhook URL ({problem}); notices cannot be sent"


def _secret_parts(url: str) -> list[str]:
    parts = urlsplit(url)
    pieces = [url, parts.path, parts.query]
    return [p for p in pieces if len(p) > 1]


def post_notice(
    url: str,
    text: str,
    *,
    attempts: int = 4,
    backoff: float = 0.5,
    timeout: float = 10,
    label: str = "webhook",
) -> DeliveryResult:
    """POST {"text": text}; retried as every integration is (relboard.net.http_send)."""
    words = Words(done=f"delivered to {label}", refused=f"{label} refused the notice", gave_up="not delivered after")
    answer = send_json(
        "POST",
        url,
        label=label,
        body={"text": text},
        secrets=_secret_parts(url),
        retry=Retry(attempts=attempts, backoff=backoff, timeout=timeout),
        words=words,
    )
    return DeliveryResult(delivered=answer.ok, attempts=answer.attempts, detail=answer.detail)
