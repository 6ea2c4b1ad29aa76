"""Running probes from the board: async workers on the app's loop, results recorded as they land.

httpx's async client waits on sockets without blocking the loop, so the board keeps answering keys
while a probe waits for a slow host; the deadline inside each probe bounds how long that lasts.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from relboard.domain.events import ProbeRan
from relboard.domain.intents import RecordProbe
from relboard.domain.plan import Step
from relboard.net.probes import DEFAULT_CONCURRENCY, CancelHandle, load_http_client, run_probes, summary_line
from relboard.window.recorder import Recorded, Recorder

Severity = Literal["information", "warning", "error"]
OUTPUT_LINES = 200  # what the step's details show of a check's output while it runs (the event keeps its own)


class ProbeRunner:
    """Which steps' probes are running, and the worker that runs them.

    Each result is recorded through `recorder`, which stamps it with the board's clock and operator
    so probe results sort with the marks made on the same board; `notify` tells the operator and
    `running_changed` redraws the spinners.
    """

    def __init__(
        self,
        plan_dir: Path,
        recorder: Recorder,
        *,
        notify: Callable[[str, Severity], None],
        running_changed: Callable[[frozenset[str]], None],
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.plan_dir = plan_dir
        self._recorder = recorder
        self._notify = notify
        self._running_changed = running_changed
        self.concurrency = concurrency
        self._running: set[str] = set()
        # Command checks run only once the operator approved the plan's exact list of commands.
        self.commands_approved = False
        self._cancel: CancelHandle | None = None
        # The last lines each command check printed, for the step's details while it runs.
        self.output: dict[str, deque[str]] = {}

    @property
    def running(self) -> frozenset[str]:
        return frozenset(self._running)

    def claim(self, steps: Iterable[Step]) -> list[Step]:
        """The steps not already running, now marked running (a second `r` does not start a second probe)."""
        fresh = [step for step in steps if step.id not in self._running and step.probe is not None]
        if fresh:
            self._running.update(step.id for step in fresh)
            self._running_changed(self.running)
        return fresh

    async def run(self, steps: list[Step]) -> list[ProbeRan]:
        """Run claimed steps' probes; every result is recorded; never raises into the worker."""
        results: list[ProbeRan] = []
        cancel = self._cancel = self._cancel or CancelHandle()
        for step in steps:
            self.output[step.id] = deque(maxlen=OUTPUT_LINES)
        try:
            # The board starts without httpx; the first probe loads it off the loop, keys keep answering.
            await asyncio.to_thread(load_http_client)
            results = await run_probes(
                steps,
                self.plan_dir,
                self.concurrency,
                on_result=lambda event: results.append(self._finished(event)),
                env=os.environ,
                by=self._recorder.stamp().by,
                allow_commands=self.commands_approved,
                on_output=self._printed,
                cancel=cancel,
            )
        except Exception as error:  # noqa: BLE001 - a bug or an odd environment must not take the board down
            self._notify(f"Probes stopped: {type(error).__name__}: {error}", "error")
        finally:
            left = {step.id for step in steps} & self._running
            if left:
                self._running -= left
                self._running_changed(self.running)
            if not self._running:
                self._cancel = None
        if len(steps) == 1 and results:
            self._notify(summary_line(results[0]), "information" if results[0].passed else "error")
        elif len(steps) > 1:
            bad = [event for event in results if not event.passed]
            failed = sum(1 for event in bad if event.failed)
            plural = "s" if len(results) != 1 else ""
            text = f"{len(results)} probe{plural}: {len(results) - len(bad)} passed, {failed} failed"
            if len(bad) > failed:
                text += f", {len(bad) - failed} could not check"
            if bad:
                text += "\n" + "\n".join(summary_line(event) for event in bad)
            self._notify(text, "error" if bad else "information")
        return results

    def cancel(self, step_id: str) -> bool:
        """Stop a running check (its process group is killed); recorded as could-not-check. False: not running."""
        if step_id not in self._running or self._cancel is None:
            return False
        self._cancel.cancel(step_id)
        return True

    def _printed(self, step_id: str, text: str) -> None:
        lines = self.output.setdefault(step_id, deque(maxlen=OUTPUT_LINES))
        lines.extend(text.splitlines())

    def _finished(self, event: ProbeRan) -> ProbeRan:
        self._running.discard(event.step)
        self._running_changed(self.running)
        outcome = self._recorder.record(RecordProbe(event))
        if isinstance(outcome, Recorded) and isinstance(outcome.event, ProbeRan):
            return outcome.event
        return event
