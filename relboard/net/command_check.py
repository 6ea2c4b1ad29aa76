"""Command checks: a plan's `[steps.probe] run = [...]`, run as a child process and judged like a probe.

Rules that keep a command check honest and contained:
- an argv, never a shell; the child sees only the environment variables the plan names;
- the child leads its own session (and process group): a timeout, a cancel or the check's end kills
  the whole group, so a grandchild it left behind never outlives the check;
- output (stdout and stderr through one pipe, so interleaved as produced) is masked (the values of
  the passed-through variables) and stripped of control characters before anyone sees or keeps it;
- "could not run it" (no such program, no such folder, a variable not set) is `error`, never `fail`.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import shlex
import shutil
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path

from relboard.domain.durations import format_duration
from relboard.domain.events import ProbeOutcome, ProbeRan, utc_now
from relboard.domain.plan import Step
from relboard.domain.text import clean, one_line
from relboard.net.secrets import MissingSecret, read_env, scrub

KEEP_BYTES = 4096  # the event keeps this much of the output's start and of its end
MIN_MASKED = 4  # shorter values would mask ordinary words and digits all over the output
_TERM_GRACE = 2.0  # seconds between asking the group to stop and killing it

OutputCallback = Callable[[str], None]


def command_text(argv: list[str]) -> str:
    """How the argv reads to a person: shell-quoted, although no shell ever sees it."""
    return shlex.join(argv)


class OutputKeeper:
    """The first and last KEEP_BYTES of a stream of text, and how much fell between them."""

    def __init__(self, keep: int = KEEP_BYTES) -> None:
        self.keep = keep
        self._head: list[str] = []
        self._head_bytes = 0
        self._tail: deque[str] = deque()
        self._tail_bytes = 0
        self.cut_bytes = 0

    def add(self, text: str) -> None:
        if self._head_bytes < self.keep:
            room = self.keep - self._head_bytes
            data = text.encode("utf-8")
            if len(data) <= room:
                self._head.append(text)
                self._head_bytes += len(data)
                return
            first = data[:room].decode("utf-8", errors="ignore")
            self._head.append(first)
            self._head_bytes = self.keep  # a character that did not fit whole goes to the tail
            text = text[len(first) :]
        self._tail.append(text)
        self._tail_bytes += len(text.encode("utf-8"))
        while self._tail_bytes > self.keep:
            oldest = self._tail.popleft()
            size = len(oldest.encode("utf-8"))
            over = self._tail_bytes - self.keep
            if size <= over:
                self._tail_bytes -= size
                self.cut_bytes += size
                continue
            data = oldest.encode("utf-8")
            rest = data[over:].decode("utf-8", errors="ignore")
            dropped = size - len(rest.encode("utf-8"))
            self._tail.appendleft(rest)
            self._tail_bytes -= dropped
            self.cut_bytes += dropped

    def text(self) -> str:
        head, tail = "".join(self._head), "".join(self._tail)
        if not self.cut_bytes:
            return head + tail
        return f"{head}\n… {self.cut_bytes:,} bytes of output cut …\n{tail}"


def _partial_secret(text: str, secrets: list[str]) -> int:
    """How many characters at the end of `text` could be the start of a secret still being written."""
    longest = 0
    for secret in secrets:
        for size in range(min(len(secret) - 1, len(text)), longest, -1):
            if text.endswith(secret[:size]):
                longest = size
                break
    return longest


_OPEN_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|\x1b?)?\Z")


def _partial_escape(text: str) -> int:
    """How many characters at the end of `text` are an escape sequence not finished yet."""
    start = text.rfind("\x1b", max(0, len(text) - 256))
    if start < 0:
        return 0
    return len(text) - start if _OPEN_ESCAPE.match(text, start) else 0


class OutputStream:
    """Bytes from the child in, clean masked text out, as soon as no secret or escape can straddle it."""

    def __init__(self, secrets: list[str], emit: Callable[[str], None]) -> None:
        self._secrets = [s for s in secrets if s]
        self._emit = emit
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes) -> None:
        self._pending = scrub(self._pending + self._decoder.decode(data), self._secrets)
        hold = max(_partial_secret(self._pending, self._secrets), _partial_escape(self._pending))
        ready = self._pending[: len(self._pending) - hold]
        self._pending = self._pending[len(ready) :]
        self._send(ready)

    def close(self) -> None:
        self._pending = scrub(self._pending + self._decoder.decode(b"", final=True), self._secrets)
        ready, self._pending = self._pending, ""
        self._send(ready)

    def _send(self, text: str) -> None:
        text = clean(text.replace("\r\n", "\n"))
        if text:
            self._emit(text)


class _Matcher:
    """Whether a substring appeared anywhere in a stream, without keeping the stream."""

    def __init__(self, wanted: str | None) -> None:
        self.wanted = wanted
        self.found = not wanted
        self._carry = ""

    def add(self, text: str) -> None:
        if self.found or not self.wanted:
            return
        window = self._carry + text
        if self.wanted in window:
            self.found = True
            return
        self._carry = window[-(len(self.wanted) - 1) :] if len(self.wanted) > 1 else ""


def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    # Already gone (PermissionError: macOS says so for a group whose members are all zombies).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class _CouldNotRun(Exception):
    """The check could not start: the message is why, and it is an `error`, not a `fail`."""


def _program(argv0: str, env: Mapping[str, str]) -> str:
    if os.sep in argv0 or (os.altsep and os.altsep in argv0):
        return argv0  # relative to the check's folder, as the plan wrote it
    found = shutil.which(argv0, path=env.get("PATH", os.defpath))
    if found is None:
        raise _CouldNotRun(f"command not found: {argv0} (not on this machine's PATH)")
    return found


def _folder(step: Step, plan_dir: Path) -> Path:
    spec = step.probe
    assert spec is not None
    folder = Path(plan_dir) / spec.cwd
    if not folder.is_dir():
        raise _CouldNotRun(f"working folder {spec.cwd} not found next to the plan")
    return folder


async def run_command_check(
    step: Step,
    plan_dir: Path,
    *,
    env: Mapping[str, str] = os.environ,
    by: str = "probe",
    on_output: OutputCallback | None = None,
) -> ProbeRan:
    """Run the step's command and judge it. Cancelling the task kills the command's process group."""
    spec = step.probe
    if spec is None or spec.run is None:
        raise ValueError(f"step {step.id} has no command check")
    argv = list(spec.run)
    shown = command_text(argv)
    keeper = OutputKeeper()
    matcher = _Matcher(spec.expect_output)
    secrets: list[str] = []

    def take(text: str) -> None:
        keeper.add(text)
        matcher.add(text)
        if on_output is not None:
            on_output(text)

    def result(outcome: ProbeOutcome, reason: str, exit_code: int = 0, latency_ms: float = 0.0) -> ProbeRan:
        return ProbeRan(
            at=utc_now(),
            by=by,
            step=step.id,
            outcome=outcome,
            latency_ms=latency_ms,
            reason=one_line(scrub(reason, secrets)),
            command=shown,
            exit_code=exit_code,
            output=scrub(keeper.text(), secrets),
        )

    try:
        child_env = {name: read_env(name, env) for name in spec.env}
        secrets = [value for value in child_env.values() if len(value) >= MIN_MASKED]
        folder = _folder(step, plan_dir)
        program = _program(argv[0], env)
    except MissingSecret as error:
        return result(ProbeOutcome.ERROR, f"{error} (the check passes it to {argv[0]})")
    except _CouldNotRun as error:
        return result(ProbeOutcome.ERROR, str(error))

    stream = OutputStream(secrets, take)
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    try:
        transport, child = await loop.subprocess_exec(
            lambda: _Child(loop, stream.feed),
            program,
            *argv[1:],
            cwd=folder,
            env=child_env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
    except FileNotFoundError:
        return result(ProbeOutcome.ERROR, f"command not found: {argv[0]} (in {spec.cwd})")
    except PermissionError:
        return result(ProbeOutcome.ERROR, f"cannot run {argv[0]}: permission denied (is it executable?)")
    except OSError as error:
        return result(ProbeOutcome.ERROR, f"cannot run {argv[0]}: {error.strerror or error}")

    pid = transport.get_pid()
    deadline = spec.deadline
    timed_out = False
    try:
        async with asyncio.timeout(deadline.total_seconds()):
            # Shielded: a timeout or a cancel must not cancel the futures the clean-up still waits on.
            await asyncio.shield(child.exited)
            # The command is done; whatever it left running in its group goes too, which also ends
            # the output a lingering grandchild would otherwise hold open.
            _kill_group(pid)
            await asyncio.shield(child.closed)
    except TimeoutError:
        timed_out = True
        await _stop(pid, child)
    except BaseException:
        # Cancelled (the operator, Ctrl-C, the board closing): nothing the check started survives.
        _kill_group(pid)
        raise
    finally:
        transport.close()
        stream.close()
    if child.failure is not None:
        raise child.failure
    code = transport.get_returncode()
    code = -1 if code is None else code
    latency_ms = round((time.monotonic() - started) * 1000, 1)
    if timed_out:
        return result(
            ProbeOutcome.FAIL,
            f"no result within {format_duration(deadline)} (the command and its process group were killed)",
            code,
            latency_ms,
        )
    if code != spec.expect_exit:
        how = f"killed by signal {-code}" if code < 0 else f"exit {code}"
        return result(ProbeOutcome.FAIL, f"{how}, expected exit {spec.expect_exit}", code, latency_ms)
    if not matcher.found:
        return result(ProbeOutcome.FAIL, f"output does not contain {spec.expect_output!r}", code, latency_ms)
    return result(ProbeOutcome.PASS, f"exit {code} in {latency_ms:.0f} ms", code, latency_ms)


class _Child(asyncio.SubprocessProtocol):
    """The child's exit and the end of its output, each as soon as it happens.

    asyncio's Process.wait() also waits for the pipes to close, which a grandchild holding them
    open would stretch to the deadline; the protocol hears the exit itself.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, feed: Callable[[bytes], None]) -> None:
        self.exited: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.failure: BaseException | None = None
        self._feed = feed

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        if self.failure is not None:
            return
        try:
            self._feed(data)
        except Exception as error:  # noqa: BLE001 - an output callback's bug ends this check, raised after cleanup
            self.failure = error

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def process_exited(self) -> None:
        if not self.exited.done():
            self.exited.set_result(None)


async def _stop(pid: int, child: _Child) -> None:
    """Ask the group to stop, give it a moment, then kill whatever is left of it."""
    _kill_group(pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(_TERM_GRACE):
            await asyncio.shield(child.exited)
    _kill_group(pid)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(_TERM_GRACE):
            await asyncio.shield(child.exited)
            await asyncio.shield(child.closed)
