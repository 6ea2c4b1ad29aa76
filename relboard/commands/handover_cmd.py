"""`relboard handover PLAN --to NAME`: the summary for the incoming engineer, and the handover recorded."""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, err, open_session, operator, out, parse_now
from relboard.domain.events import utc_now
from relboard.domain.handover import handover_event
from relboard.domain.text import clean
from relboard.store.journal import StateError


def run(args: argparse.Namespace) -> int:
    incoming = clean(args.to or "", single_line=True).strip()
    if not incoming:
        raise UsageError("relboard handover: --to needs the incoming engineer's name")
    now = parse_now(args.now) or utc_now()
    session = open_session(args.plan, args.state)
    event = handover_event(session.state, now, operator(args.by), incoming)
    try:
        session.record(event)
    except (StateError, OSError) as error:
        raise UsageError(f"relboard handover: could not save to {session.state_path}: {error}") from None
    out(event.summary)
    err(f"handed over to {incoming} (saved to {session.state_path})")
    return 0
