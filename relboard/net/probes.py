"""Validation probes: one HTTP request (or command) per step, judged against the plan, reported as a
ProbeRan event: `pass`, `fail` (the service answered wrongly) or `error` (could not check from here).

Rules that keep a probe honest and safe:
- one deadline for the whole probe (connect, TLS, headers, body), not httpx's per-read timeout;
- redirects are reported, never followed, so headers (secrets) only go to the host the plan names;
- TLS is always verified, against the system store or the plan's CA bundle;
- secret header values are never written: reasons are scrubbed and cut to one clean line.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import socket
import ssl
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relboard.domain.durations import format_duration
from relboard.domain.events import ProbeOutcome, ProbeRan, utc_now
from relboard.domain.plan import Plan, ProbeSpec, Step
from relboard.domain.text import one_line
from relboard.net.command_check import command_text, run_command_check
from relboard.net.secrets import MissingSecret, resolve_headers, scrub

if TYPE_CHECKING:
    import httpx

MAX_BODY = 1024 * 1024  # enough for any health answer; a probe never downloads a file
DEFAULT_CONCURRENCY = 4


class _Failed(Exception):
    """A probe that cannot be sent or judged; the message is the reason."""


class _CouldNotCheck(Exception):
    """The operator's set-up stops the check (a CA file, a name this machine cannot resolve): `error`."""


NOT_APPROVED = "not approved: command checks run only once the operator approves the plan's commands"
OutputCallback = Callable[[str, str], Any]  # (step id, text): a command check's output as it comes


class CancelHandle:
    """Stops running probes: one step's or all of them. Call it on the loop that runs the probes."""

    def __init__(self) -> None:
        self._all = False
        self._steps: set[str] = set()
        self._changed = asyncio.Event()

    def cancel(self, step_id: str | None = None) -> None:
        if step_id is None:
            self._all = True
        else:
            self._steps.add(step_id)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def cancelled(self, step_id: str) -> bool:
        return self._all or step_id in self._steps

    async def wait(self, step_id: str) -> None:
        while not self.cancelled(step_id):
            await self._changed.wait()


def load_http_client() -> None:
    """Import httpx now; a board calls this in a worker thread so the import never stalls its loop."""
    importlib.import_module("httpx")


def probe_steps(plan: Plan) -> list[Step]:
    return [s for s in plan.steps if s.probe is not None]


def summary_line(event: ProbeRan) -> str:
    """'PASS api-health 200 in 85 ms' / 'FAIL login-page: expected 200, got 503' /
    'ERROR login-page: could not check: environment variable RB_KEY is not set'."""
    if event.passed:
        return f"PASS {event.step} {event.reason}"
    if event.errored:
        return f"ERROR {event.step}: could not check: {event.reason}"
    return f"FAIL {event.step}: {event.reason}"


def _ssl_context(spec: ProbeSpec, plan_dir: Path) -> ssl.SSLContext | bool:
    if not spec.ca_bundle:
        return True
    path = plan_dir / spec.ca_bundle
    if not path.is_file():
        raise _CouldNotCheck(f"CA bundle {spec.ca_bundle} not found next to the plan")
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError, ValueError):
        raise _CouldNotCheck(f"CA bundle {spec.ca_bundle} is not a readable PEM certificate file") from None


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


def _unresolved(error: BaseException) -> bool:
    """The host's name does not resolve from this machine (a VPN down, a hosts entry missing)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return True
        cause = cause.__cause__ or cause.__context__
    # httpcore re-raises the resolver's failure with only its text.
    text = str(error)
    return "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo failed" in text


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
        client.stream(spec.method, spec.url or "", headers=headers) as response,
    ):
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= MAX_BODY:
                break
        return response, bytes(body[:MAX_BODY])


async def run_probe_async(
    step: Step,
    plan_dir: Path,
    *,
    env: Mapping[str, str] = os.environ,
    by: str = "probe",
    allow_commands: bool = False,
    on_output: OutputCallback | None = None,
) -> ProbeRan:
    """Run the step's check. A command check runs only with `allow_commands` (the operator approved it)."""
    spec = step.probe
    if spec is None:
        raise ValueError(f"step {step.id} has no probe")
    if spec.run is not None:
        if not allow_commands:
            return ProbeRan(at=utc_now(), by=by, step=step.id, outcome=ProbeOutcome.ERROR, reason=NOT_APPROVED)
        output = None if on_output is None else (lambda text: on_output(step.id, text))
        return await run_command_check(step, plan_dir, env=env, by=by, on_output=output)
    # httpx costs a board or a command tens of milliseconds to import: paid only once a probe runs.
    import httpx

    seconds = spec.deadline.total_seconds()
    secrets: list[str] = []
    status_code = 0
    started = time.monotonic()
    errored = False
    try:
        headers, secrets = resolve_headers(spec.headers, env)
        verify = _ssl_context(spec, Path(plan_dir))
        started = time.monotonic()
        async with asyncio.timeout(seconds):
            response, body = await _exchange(spec, headers, verify, seconds)
        status_code = response.status_code
        failure = _judge(spec, response, body)
    except MissingSecret as error:
        failure, errored = str(error), True
    except _CouldNotCheck as error:
        failure, errored = str(error), True
    except _Failed as error:
        failure = str(error)
    except (TimeoutError, httpx.TimeoutException):
        failure = f"no complete answer within {format_duration(spec.deadline)} (probe deadline)"
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
        if _unresolved(error):
            failure, errored = f"the host's name does not resolve from this machine: {error}", True
        else:
            failure = _connect_reason(error)
    except httpx.HTTPError as error:
        failure = f"request failed: {type(error).__name__}: {error}"
    except (ValueError, TypeError) as error:
        # e.g. a header value with a line break, refused before anything is sent.
        failure, errored = f"request not sent: {error}", True
    latency_ms = round((time.monotonic() - started) * 1000, 1)
    reason = f"{status_code} in {latency_ms:.0f} ms" if failure is None else failure
    outcome = ProbeOutcome.PASS if failure is None else ProbeOutcome.ERROR if errored else ProbeOutcome.FAIL
    return ProbeRan(
        at=utc_now(),
        by=by,
        step=step.id,
        outcome=outcome,
        status_code=status_code,
        latency_ms=latency_ms,
        reason=one_line(scrub(reason, secrets)),
    )


async def _cancellable(
    step: Step, cancel: CancelHandle | None, by: str, check: Callable[[], Coroutine[Any, Any, ProbeRan]]
) -> ProbeRan:
    started = time.monotonic()
    task = asyncio.ensure_future(check())
    if cancel is None:
        return await task
    stop = asyncio.ensure_future(cancel.wait(step.id))
    try:
        await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        # The caller went away (the board closing): asyncio.wait leaves the check running, so stop
        # it here and let it kill its process group before this task ends.
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise
    finally:
        stop.cancel()
    if task.done():
        return task.result()
    # Cancelling the check's task kills a command's process group before it returns.
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    seconds = time.monotonic() - started
    command = step.probe.run if step.probe is not None and step.probe.run is not None else None
    return ProbeRan(
        at=utc_now(),
        by=by,
        step=step.id,
        outcome=ProbeOutcome.ERROR,
        reason=f"cancelled by the operator after {seconds:.0f} s",
        command=command_text(command) if command else "",
    )


async def run_probes(
    steps: Iterable[Step],
    plan_dir: Path,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: Callable[[ProbeRan], Any] | None = None,
    *,
    env: Mapping[str, str] = os.environ,
    by: str = "probe",
    allow_commands: bool = False,
    on_output: OutputCallback | None = None,
    cancel: CancelHandle | None = None,
) -> list[ProbeRan]:
    """Run probes at most `concurrency` at a time; `on_result` sees each as it finishes. Results in step order.

    `on_output(step_id, text)` gets a command check's output as it is produced (clean, masked);
    `cancel.cancel(step_id)` (or `cancel.cancel()` for all) stops a running check, recorded as `error`;
    cancelling the task running this kills every command's process group before it ends.
    """
    steps = list(steps)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, step: Step) -> tuple[int, ProbeRan]:
        async with gate:
            if cancel is not None and cancel.cancelled(step.id):
                event = ProbeRan(
                    at=utc_now(), by=by, step=step.id, outcome=ProbeOutcome.ERROR, reason="cancelled by the operator"
                )
            else:
                event = await _cancellable(
                    step,
                    cancel,
                    by,
                    lambda: run_probe_async(
                        step, plan_dir, env=env, by=by, allow_commands=allow_commands, on_output=on_output
                    ),
                )
            return index, event

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
        # Let each cancelled check kill its process group before the caller goes on.
        await asyncio.gather(*tasks, return_exceptions=True)
    return [r for r in results if r is not None]
