"""`relboard mark PLAN STEP STATUS`: record a step result durably (a deploy script's way in)."""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, open_session, operator, out
from relboard.domain.events import StepMarked, StepStarted, StepStatus, utc_now
from relboard.domain.step_events import mark_event, start_event
from relboard.store.journal import StateError

STARTED = "started"


def run(args: argparse.Namespace) -> int:
    try:
        status = None if args.status == STARTED else StepStatus(args.status)
    except ValueError:
        raise UsageError(
            f"relboard mark: unknown status {args.status!r}; choose one of: "
            + ", ".join([*(s.value for s in StepStatus), STARTED])
        ) from None
    session = open_session(args.plan, args.state)
    if session.plan.step(args.step) is None:
        choices = ", ".join(s.id for s in session.plan.steps)
        raise UsageError(f"relboard mark: no step {args.step!r} in {args.plan}; steps: {choices}")
    state, at, by = session.state, utc_now(), operator(args.by)
    event: StepStarted | StepMarked
    if status is None:
        event = start_event(state, args.step, at=at, by=by, note=args.note)
    else:
        event = mark_event(state, args.step, status, at=at, by=by, note=args.note)
    try:
        session.record(event)
    except StateError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"relboard mark: could not save to {session.state_path}: {error.strerror or error}") from None
    waited = f", while it waited on {', '.join(event.waited_on)}" if event.waited_on else ""
    out(f"{args.step}: {args.status}{waited} (saved to {session.state_path})")
    return 0
