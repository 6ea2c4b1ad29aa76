"""One JSON request to an integration's API, retried the way every integration retries.

Retried with exponential backoff: 5xx answers, connection errors and timeouts. Never retried: 4xx
(the request itself is wrong, or the key is) and redirects (never followed, so a secret header only
reaches the host the plan names). Details are one clean line with every secret masked.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from msgspec import Struct

from relboard.domain.text import one_line
from relboard.net.secrets import scrub


class Answer(Struct, frozen=True):
    ok: bool
    status: int
    attempts: int
    detail: str
    body: Any = None  # the JSON answer, when there was one


class Retry(Struct, frozen=True):
    attempts: int = 4
    backoff: float = 0.5
    timeout: float = 10.0


DEFAULT_RETRY = Retry()


class Words(Struct, frozen=True):
    """How an answer reads, in the words of what was sent: `done` and `refused` lead their line (the HTTP
    status follows), `gave_up` leads the line after the last attempt."""

    done: str
    refused: str
    gave_up: str = "not done after"


def url_problem(url: str) -> str | None:
    """Why `url` cannot be posted to, in words that do not repeat it (it is a secret); None when it can."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "it holds spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"it is not a URL ({error})"
    if not parts.scheme:
        return "it has no scheme: it must start with https:// (or http://)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"its scheme {parts.scheme[:20]!r} is not http or https"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "its port is 0"
    return None


def send_json(
    method: str,
    url: str,
    *,
    label: str,
    headers: dict[str, str] | None = None,
    body: Any = None,
    secrets: list[str] | None = None,
    retry: Retry = DEFAULT_RETRY,
    words: Words | None = None,
) -> Answer:
    """Send `body` as JSON (None: no body); the answer says what happened in the words of `label`."""
    words = words or Words(done=f"{label}: done", refused=f"{label} refused it")
    # Imported here: a command that sends nothing never pays for httpx.
    import httpx

    secrets = list(secrets or [])
    problem = url_problem(url)
    if problem is not None:
        # Nothing a retry could change: say so at once.
        return _answer(False, 0, 0, f"{label} holds no usable URL ({problem})", secrets)
    attempts = max(1, retry.attempts)
    last = ""
    made = 0
    with httpx.Client(follow_redirects=False, timeout=retry.timeout) as client:
        for made in range(1, attempts + 1):
            if made > 1:
                time.sleep(retry.backoff * 2 ** (made - 2))
            try:
                response = client.request(method, url, headers=headers, json=body)
            except httpx.TimeoutException:
                last = f"{label} gave no answer within {retry.timeout:g} s"
                continue
            except httpx.TransportError as error:
                last = f"{label} unreachable: {error or type(error).__name__}"
                continue
            except (httpx.HTTPError, ValueError, TypeError) as error:
                return _answer(False, 0, made, f"{label} cannot be used: {type(error).__name__}: {error}", secrets)
            status = response.status_code
            if 200 <= status < 300:
                return _answer(
                    True,
                    status,
                    made,
                    f"{words.done} (HTTP {status}, attempt {made} of {attempts})",
                    secrets,
                    response,
                )
            said = one_line(response.text, 160)
            said = f": {said}" if said else ""
            if 500 <= status < 600:
                last = f"{label} failed with HTTP {status}{said}"
                continue
            if 300 <= status < 400:
                return _answer(
                    False, status, made, f"{label} answered with a redirect (HTTP {status}); not followed", secrets
                )
            return _answer(False, status, made, f"{words.refused}: HTTP {status}{said}", secrets)
    return _answer(False, 0, made, f"{words.gave_up} {made} attempts: {last}", secrets)


def _answer(ok: bool, status: int, attempts: int, detail: str, secrets: list[str], response: Any = None) -> Answer:
    document = None
    if response is not None and response.content:
        try:
            document = response.json()
        except ValueError:
            document = None
    return Answer(ok, status, attempts, one_line(scrub(detail, secrets), 300), document)
