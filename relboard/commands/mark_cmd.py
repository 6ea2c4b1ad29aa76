"""`relboard mark PLAN STEP STATUS`: record a step result durably (a deploy script's way in)."""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, open_session, operator, out
from relboard.commands.hub_option import publish_after_write
from relboard.domain.events import StepMarked, StepStatus, utc_now
from relboard.store.journal import StateError


def run(args: argparse.Namespace) -> int:
    try:
        status = StepStatus(args.status)
    except ValueError:
        raise UsageError(
            f"relboard mark: unknown status {args.status!r}; choose one of: " + ", ".join(s.value for s in StepStatus)
        ) from None
    session = open_session(args.plan, args.state)
    if session.plan.step(args.step) is None:
        choices = ", ".join(s.id for s in session.plan.steps)
        raise UsageError(f"relboard mark: no step {args.step!r} in {args.plan}; steps: {choices}")
    event = StepMarked(at=utc_now(), by=operator(args.by), step=args.step, status=status, note=args.note)
    try:
        session.record(event)
    except StateError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"relboard mark: could not save to {session.state_path}: {error.strerror or error}") from None
    out(f"{args.step}: {status.value} (saved to {session.state_path})")
    publish_after_write(session, args)
    return 0
