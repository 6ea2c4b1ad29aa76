"""`relboard mark PLAN STEP STATUS`: record a step result durably (a deploy script's way in)."""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, clock, open_session, out, recording_operator, require_writable
from relboard.commands.hub_option import publish_after_write
from relboard.domain.events import StepMarked, StepStarted, StepStatus
from relboard.domain.intents import Intent, MarkStep, Refusal, StartStep
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
    now = clock(args.now)
    session = open_session(args.plan, args.state)
    require_writable(session)
    recorder = session.recorder(by=recording_operator(args.by), now=now)
    intent: Intent = StartStep(args.step, args.note) if status is None else MarkStep(args.step, status, args.note)
    try:
        outcome = recorder.record(intent)
    except StateError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"relboard mark: could not save to {session.state_path}: {error.strerror or error}") from None
    if isinstance(outcome, Refusal):
        if outcome.already:
            out(outcome.reason)
            return 0
        choices = ", ".join(s.id for s in session.plan.steps)
        raise UsageError(f"relboard mark: {outcome.reason}; steps of {args.plan}: {choices}")
    event = outcome.event
    assert isinstance(event, StepMarked | StepStarted)
    waited = f", while it waited on {', '.join(event.waited_on)}" if event.waited_on else ""
    out(f"{args.step}: {args.status}{waited} (saved to {session.state_path})")
    publish_after_write(session, args)
    return 0
