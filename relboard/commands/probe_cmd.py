"""`relboard probe PLAN [--step ID]... [--allow-commands]`: run the plan's probes headless, one line per
probe as it finishes."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from relboard.commands.common import UsageError, clock, err, open_session, out, recording_operator, require_writable
from relboard.commands.hub_option import publish_after_write
from relboard.domain.events import ProbeRan
from relboard.domain.intents import RecordProbe
from relboard.net.probes import DEFAULT_CONCURRENCY, probe_steps, run_probes, summary_line
from relboard.store.journal import StateError

if TYPE_CHECKING:
    from relboard.window.recorder import Recorder
    from relboard.window.session import WindowSession


class _SaveFailed(Exception):
    pass


class _Printer:
    """Command output as it comes, one prefixed line at a time (several checks may run at once)."""

    def __init__(self) -> None:
        self._partial: dict[str, str] = {}

    def add(self, step_id: str, text: str) -> None:
        lines = (self._partial.pop(step_id, "") + text).split("\n")
        self._partial[step_id] = lines.pop()
        for line in lines:
            out(f"  {step_id} | {line}")
        sys.stdout.flush()

    def end(self, step_id: str) -> None:
        rest = self._partial.pop(step_id, "")
        if rest:
            out(f"  {step_id} | {rest}")


def run(args: argparse.Namespace) -> int:
    now = clock(args.now)
    session = open_session(args.plan, args.state)
    require_writable(session)
    with_probes = probe_steps(session.plan)
    if not with_probes:
        raise UsageError(
            f"relboard probe: {args.plan} has no probes; give a validation step a [steps.probe] table"
            " with a url or a run command"
        )
    steps = with_probes
    if args.step:
        known = {s.id: s for s in with_probes}
        unknown = [name for name in args.step if name not in known]
        if unknown:
            raise UsageError(
                f"relboard probe: no probe for step {', '.join(repr(u) for u in unknown)};"
                f" steps with probes: {', '.join(known)}"
            )
        wanted = set(args.step)
        steps = [s for s in with_probes if s.id in wanted]
    concurrency = DEFAULT_CONCURRENCY if args.concurrency is None else args.concurrency
    if concurrency < 1:
        raise UsageError("relboard probe: --concurrency must be at least 1")
    by = recording_operator(args.by)
    recorder = session.recorder(by=by, now=now)

    commands = [s for s in steps if s.probe is not None and s.probe.is_command]
    refused = []
    if commands and not args.allow_commands:
        # Never run, never recorded: nothing was checked.
        refused = commands
        steps = [s for s in steps if s not in commands]
        for step in refused:
            out(f"NOT APPROVED {step.id}: a command check; run with --allow-commands to run it")
    elif commands:
        _record_approval(session, recorder)

    def on_result(event: ProbeRan) -> None:
        # Saved before it is shown: a printed line is a recorded result.
        try:
            recorder.record(RecordProbe(event))
        except (StateError, OSError) as error:
            raise _SaveFailed(f"relboard probe: could not save to {session.state_path}: {error}") from None
        printer.end(event.step)
        out(summary_line(event))
        sys.stdout.flush()

    printer = _Printer()
    results: list[ProbeRan] = []
    if steps:
        try:
            results = asyncio.run(
                run_probes(
                    steps,
                    session.plan_dir,
                    concurrency,
                    on_result,
                    by=by,
                    allow_commands=args.allow_commands,
                    on_output=printer.add if args.show_output else None,
                )
            )
        except _SaveFailed as error:
            raise UsageError(str(error)) from None
        except KeyboardInterrupt:
            # asyncio.run cancelled the checks, and each killed its command's process group.
            err("relboard probe: interrupted; running checks were stopped and not recorded")
            return 130
    passed = sum(1 for r in results if r.passed)
    failed = sum(1 for r in results if r.failed)
    errored = sum(1 for r in results if r.errored)
    parts = [f"{passed} passed", f"{failed} failed"]
    if errored:
        parts.append(f"{errored} could not check")
    if refused:
        parts.append(f"{len(refused)} not approved")
    out(f"{', '.join(parts)} (saved to {session.state_path})")
    publish_after_write(session, args)
    return 1 if failed or errored or refused else 0


def _record_approval(session: WindowSession, recorder: Recorder) -> None:
    """--allow-commands is the operator's approval of exactly these commands: recorded once for the window
    (not remembered for the board: a flag on one run is not a standing approval)."""
    from relboard.domain.commands import approved_in_state, command_list

    commands = command_list(session.plan, str(session.plan_dir.resolve()), session.loaded.hash)
    if approved_in_state(session.state, commands.digest) is None:
        try:
            recorder.record(commands.approve())
        except (StateError, OSError) as error:
            raise UsageError(f"relboard probe: could not save to {session.state_path}: {error}") from None
