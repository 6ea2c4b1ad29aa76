"""Posting a notice to an incoming webhook (Slack, Mattermost and Teams accept JSON {"text": ...}).

The webhook URL is a secret (whoever has it can post): it comes from an environment variable and is
never written into a detail, an event or the screen; details name the variable instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from relboard.domain.plan import Notices
from relboard.domain.text import one_line
from relboard.net.http_send import url_problem
from relboard.net.secrets import MissingSecret, read_env, scrub


class WebhookNotConfigured(Exception):
    """The plan names no webhook variable, or the variable is not set: a usage problem, not a delivery failure."""


@dataclass(frozen=True)
class DeliveryResult:
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
    """POST {"text": text}; retry 5xx, connection errors and timeouts with exponential backoff, never 4xx."""
    # Imported here, not at the top: the board and `notice` without --send never post.
    import httpx

    secrets = _secret_parts(url)
    problem = url_problem(url)
    if problem is not None:
        # Nothing a retry could change: say so at once.
        return _result(False, 0, f"{label} holds no usable URL ({problem})", secrets)
    attempts = max(1, attempts)
    last = ""
    made = 0
    with httpx.Client(follow_redirects=False, timeout=timeout) as client:
        for made in range(1, attempts + 1):
            if made > 1:
                time.sleep(backoff * 2 ** (made - 2))
            try:
                response = client.post(url, json={"text": text})
            except httpx.TimeoutException:
                last = f"{label} gave no answer within {timeout:g} s"
                continue
            except httpx.TransportError as error:
                last = f"{label} unreachable: {error or type(error).__name__}"
                continue
            except (httpx.HTTPError, ValueError) as error:
                # An unusable URL: retrying will not help.
                return _result(False, made, f"{label} cannot be used: {type(error).__name__}: {error}", secrets)
            status = response.status_code
            if 200 <= status < 300:
                return _result(
                    True, made, f"delivered to {label} (HTTP {status}, attempt {made} of {attempts})", secrets
                )
            answer = one_line(response.text, 120)
            said = f": {answer}" if answer else ""
            if 500 <= status < 600:
                last = f"{label} failed with HTTP {status}{said}"
                continue
            if 300 <= status < 400:
                return _result(False, made, f"{label} answered with a redirect (HTTP {status}); not followed", secrets)
            return _result(False, made, f"{label} refused the notice: HTTP {status}{said}", secrets)
    return _result(False, made, f"not delivered after {made} attempts: {last}", secrets)


def _result(delivered: bool, attempts: int, detail: str, secrets: list[str]) -> DeliveryResult:
    return DeliveryResult(delivered=delivered, attempts=attempts, detail=one_line(scrub(detail, secrets), 300))
