"""`relboard page PLAN [--summary TEXT]`: page the escalation path through PagerDuty, for scripts.

The board offers the same page (preview first, the engineer says yes); every page of a window shares
one dedup key, so PagerDuty groups them into one incident, which the completion notice resolves.
"""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, clock, err, open_session, out, recording_operator, require_writable
from relboard.commands.hub_option import publish_after_write, pull_before_read
from relboard.domain.channel_events import RecordSent
from relboard.domain.pager import page_offer, page_summary
from relboard.store.journal import StateError


def run(args: argparse.Namespace) -> int:
    from relboard.net.http_send import Retry
    from relboard.net.pagerduty import page
    from relboard.net.statuspage import NotConfigured

    now = clock(args.now)
    session = open_session(args.plan, args.state)
    require_writable(session)
    pull_before_read(session, args)  # the page drafts from what the whole team recorded
    state = session.state
    if session.plan.escalation.pagerduty is None:
        raise UsageError(
            'relboard page: the plan has no [escalation.pagerduty] table; add one with routing_key_env = "NAME"'
        )
    summary = args.summary if args.summary is not None else page_summary(state)
    if not summary.strip():
        raise UsageError("relboard page: --summary is empty; say what the escalation path must know")
    if page_offer(state) is None:
        err("note: no new tripped criterion or rollback/reschedule decision since the last page; paging anyway")
    out(summary)
    try:
        event = page(
            state,
            summary,
            by=recording_operator(args.by),
            at=now(),
            retry=Retry(attempts=args.attempts, backoff=args.backoff, timeout=args.timeout),
        )
    except NotConfigured as error:
        raise UsageError(f"relboard page: not sent: {error}") from None
    recorder = session.recorder(by=event.by, now=lambda: event.at)
    try:
        recorder.record(RecordSent(event))
    except (StateError, OSError) as error:
        raise UsageError(
            f"relboard page: {event.detail}, but it could not be saved to {session.state_path}: {error}"
        ) from None
    publish_after_write(session, args)
    if event.delivered:
        err(f"paged: {event.detail}; dedup key {event.ref} (saved to {session.state_path})")
        return 0
    err(f"NOT PAGED: {event.detail} (recorded in {session.state_path})")
    return 1
