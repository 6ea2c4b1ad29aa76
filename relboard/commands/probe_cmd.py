"""`relboard probe PLAN [--step ID]...`: run the plan's probes headless, one line per probe as it finishes."""

from __future__ import annotations

import argparse
import asyncio
import sys

from relboard.commands.common import UsageError, open_session, operator, out
from relboard.commands.hub_option import publish_after_write
from relboard.domain.events import ProbeRan
from relboard.domain.intents import RecordProbe
from relboard.net.probes import DEFAULT_CONCURRENCY, probe_steps, run_probes, summary_line
from relboard.store.journal import StateError


class _SaveFailed(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    session = open_session(args.plan, args.state)
    with_probes = probe_steps(session.plan)
    if not with_probes:
        raise UsageError(
            f"relboard probe: {args.plan} has no probes; give a validation step a [steps.probe] table with a url"
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

    recorder = session.recorder(by=operator(args.by))

    def on_result(event: ProbeRan) -> None:
        # Saved before it is shown: a printed line is a recorded result.
        try:
            recorder.record(RecordProbe(event))
        except (StateError, OSError) as error:
            raise _SaveFailed(f"relboard probe: could not save to {session.state_path}: {error}") from None
        out(summary_line(event))
        sys.stdout.flush()

    try:
        results = asyncio.run(run_probes(steps, session.plan_dir, concurrency, on_result, by=operator(args.by)))
    except _SaveFailed as error:
        raise UsageError(str(error)) from None
    failed = sum(1 for r in results if not r.passed)
    out(f"{len(results) - failed} passed, {failed} failed (saved to {session.state_path})")
    publish_after_write(session, args)
    return 1 if failed else 0
