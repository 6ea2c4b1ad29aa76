"""Validation probes: one HTTP request per step, judged against the plan, reported as a ProbeRan event.

Rules that keep a probe honest and safe:
- one deadline for the whole probe (connect, TLS, headers, body), not httpx's per-read timeout;
- redirects are reported, never followed, so headers (secrets) only go to the host the plan names;
- TLS is always verified, against the system store or the plan's CA bundle;
- secret header values are never written: reasons are scrubbed and cut to one clean line.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relboard.domain.durations import format_duration
from relboard.domain.events import ProbeRan, utc_now
from relboard.domain.plan import Plan, ProbeSpec, Step
from relboard.domain.text import one_line
from relboard.net.secrets import MissingSecret, resolve_headers, scrub

if TYPE_CHECKING:
    import httpx

MAX_BODY = 1024 * 1024  # enough for any health answer; a probe never downloads a file
DEFAULT_CONCURRENCY = 4


class _Failed(Exception):
    """A probe that cannot be sent or judged; the message is the reason."""


def load_http_client() -> None:
    """Import httpx now; a board calls this in a worker thread so the import never stalls its loop."""
    importlib.import_module("httpx")


def probe_steps(plan: Plan) -> list[Step]:
    return [s for s in plan.steps if s.probe is not None]


def summary_line(event: ProbeRan) -> str:
    """'PASS api-health 200 in 85 ms' / 'FAIL login-page: expected 200, got 503'."""
    if event.passed:
        return f"PASS {event.step} {event.reason}"
    return f"FAIL {event.step}: {event.reason}"


def _ssl_context(spec: ProbeSpec, plan_dir: Path) -> ssl.SSLContext | bool:
    if not spec.ca_bundle:
        return True
    path = plan_dir / spec.ca_bundle
    if not path.is_file():
        raise _Failed(f"CA bundle {spec.ca_bundle} not found next to the plan")
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError, ValueError):
        raise _Failed(f"CA bundle {spec.ca_bundle} is not a readable PEM certificate file") from None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _same(actual: Any, expected: Any) -> bool:
    # JSON true is not 1, and 1 is not true, even though Python says so.
    return isinstance(actual, bool) == isinstance(expected, bool) and actual == expected


_MISSING = object()


def _field(document: Any, key: str) -> Any:
    if isinstance(document, dict) and key in document:
        return document[key]
    current = document
    for part in key.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return current


def _judge(spec: ProbeSpec, response: httpx.Response, body: bytes) -> str | None:
    """None when the answer is what the plan expects, else why not."""
    status = response.status_code
    status_ok = status == spec.expect_status if spec.expect_status is not None else 200 <= status < 300
    if not status_ok and 300 <= status < 400:
        location = response.headers.get("location", "")
        target = str(response.url.join(location)) if location else "(no location given)"
        return f"redirected to {target} (HTTP {status}; redirects are not followed)"
    if not status_ok:
        wanted = spec.expect_status if spec.expect_status is not None else "a 2xx status"
        return f"expected {wanted}, got {status}"
    text = body.decode(response.encoding or "utf-8", errors="replace")
    if spec.expect_body is not None and spec.expect_body not in text:
        return f"body does not contain {spec.expect_body!r}"
    if spec.expect_json:
        try:
            document = json.loads(text)
        except ValueError:
            return "body is not JSON"
        for key, expected in spec.expect_json.items():
            actual = _field(document, key)
            if actual is _MISSING:
                return f"JSON field {key} is missing"
            if not _same(actual, expected):
                return f"JSON field {key} is {_show(actual)}, expected {_show(expected)}"
    return None


def _connect_reason(error: httpx.HTTPError) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS verification failed: {cause.verify_message or cause}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed: {cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    detail = str(error) or type(error).__name__
    return f"connection failed: {detail}"


async def _exchange(
    spec: ProbeSpec, headers: dict[str, str], verify: ssl.SSLContext | bool, seconds: float
) -> tuple[httpx.Response, bytes]:
    import httpx

    # httpx's own timeout only backs up the deadline (which must fire first, to name it).
    async with (
        httpx.AsyncClient(verify=verify, follow_redirects=False, timeout=seconds + 5) as client,
        client.stream(spec.method, spec.url, headers=headers) as response,
    ):
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= MAX_BODY:
                break
        return response, bytes(body[:MAX_BODY])


async def run_probe_async(
    step: Step, plan_dir: Path, *, env: Mapping[str, str] = os.environ, by: str = "probe"
) -> ProbeRan:
    spec = step.probe
    if spec is None:
        raise ValueError(f"step {step.id} has no probe")
    # httpx costs a board or a command tens of milliseconds to import: paid only once a probe runs.
    import httpx

    seconds = spec.timeout.total_seconds()
    secrets: list[str] = []
    status_code = 0
    started = time.monotonic()
    try:
        headers, secrets = resolve_headers(spec.headers, env)
        verify = _ssl_context(spec, Path(plan_dir))
        started = time.monotonic()
        async with asyncio.timeout(seconds):
            response, body = await _exchange(spec, headers, verify, seconds)
        status_code = response.status_code
        failure = _judge(spec, response, body)
    except MissingSecret as error:
        failure = str(error)
    except _Failed as error:
        failure = str(error)
    except (TimeoutError, httpx.TimeoutException):
        failure = f"no complete answer within {format_duration(spec.timeout)} (probe deadline)"
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
        failure = _connect_reason(error)
    except httpx.HTTPError as error:
        failure = f"request failed: {type(error).__name__}: {error}"
    except (ValueError, TypeError) as error:
        # e.g. a header value with a line break, refused before anything is sent.
        failure = f"request not sent: {error}"
    latency_ms = round((time.monotonic() - started) * 1000, 1)
    reason = f"{status_code} in {latency_ms:.0f} ms" if failure is None else failure
    return ProbeRan(
        at=utc_now(),
        by=by,
        step=step.id,
        passed=failure is None,
        status_code=status_code,
        latency_ms=latency_ms,
        reason=one_line(scrub(reason, secrets)),
    )


def run_probe(step: Step, plan_dir: Path, *, env: Mapping[str, str] = os.environ, by: str = "probe") -> ProbeRan:
    """Blocking form, for a worker thread or a script; do not call from a running event loop."""
    return asyncio.run(run_probe_async(step, plan_dir, env=env, by=by))


async def run_probes(
    steps: Iterable[Step],
    plan_dir: Path,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: Callable[[ProbeRan], Any] | None = None,
    *,
    env: Mapping[str, str] = os.environ,
    by: str = "probe",
) -> list[ProbeRan]:
    """Run probes at most `concurrency` at a time; `on_result` sees each as it finishes. Results in step order."""
    steps = list(steps)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, step: Step) -> tuple[int, ProbeRan]:
        async with gate:
            return index, await run_probe_async(step, plan_dir, env=env, by=by)

    results: list[ProbeRan | None] = [None] * len(steps)
    tasks = [asyncio.ensure_future(one(i, s)) for i, s in enumerate(steps)]
    try:
        for finished in asyncio.as_completed(tasks):
            index, event = await finished
            results[index] = event
            if on_result is not None:
                on_result(event)
    finally:
        for task in tasks:
            task.cancel()
    return [r for r in results if r is not None]
