"""`relboard handover PLAN --to NAME`: the summary for the incoming engineer, and the handover recorded."""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, clock, err, open_session, out, recording_operator, require_writable
from relboard.commands.hub_option import publish_after_write, pull_before_read
from relboard.domain.events import Handover
from relboard.domain.intents import HandOver, Refusal
from relboard.domain.text import clean
from relboard.store.journal import StateError


def run(args: argparse.Namespace) -> int:
    incoming = clean(args.to or "", single_line=True).strip()
    if not incoming:
        raise UsageError("relboard handover: --to needs the incoming engineer's name")
    now = clock(args.now)
    session = open_session(args.plan, args.state)
    require_writable(session)
    recorder = session.recorder(by=recording_operator(args.by), now=now)
    pull_before_read(session, args)  # the summary tells what the whole team did
    try:
        outcome = recorder.record(HandOver(incoming))
    except (StateError, OSError) as error:
        raise UsageError(f"relboard handover: could not save to {session.state_path}: {error}") from None
    if isinstance(outcome, Refusal):
        raise UsageError(f"relboard handover: {outcome.reason}")
    assert isinstance(outcome.event, Handover)
    out(outcome.event.summary)
    err(f"handed over to {incoming} (saved to {session.state_path})")
    publish_after_write(session, args)
    return 0
