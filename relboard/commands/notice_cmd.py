"""`relboard notice before|after|decision PLAN [--send]`: print the draft, or send it to the plan's webhook."""

from __future__ import annotations

import argparse
import os

from relboard.commands.common import UsageError, err, open_session, operator, out, parse_now
from relboard.commands.hub_option import publish_after_write, pull_before_read
from relboard.domain.clock import read_clock
from relboard.domain.events import NoticeKind, utc_now
from relboard.domain.intents import RecordNotice
from relboard.domain.notices import current_kind, draft
from relboard.net.webhook import WebhookNotConfigured, post_notice, webhook_label, webhook_url
from relboard.store.journal import StateError

KINDS = tuple(k.value for k in NoticeKind)


def run(args: argparse.Namespace) -> int:
    kind = NoticeKind(args.kind)
    now = parse_now(args.now) or utc_now()
    session = open_session(args.plan, args.state)
    pull_before_read(session, args)
    state = session.state
    try:
        text = draft(kind, state)
    except ValueError as error:
        raise UsageError(f"relboard notice {kind.value}: {error}; record the decision on the board first") from None
    suggested = current_kind(state, read_clock(session.plan.window, now))
    if suggested is not kind:
        err(f"note: the current moment calls for the {suggested.value} notice")
    out(text)
    if not args.send:
        return 0
    notices = session.plan.notices
    try:
        url = webhook_url(notices, os.environ)
    except WebhookNotConfigured as error:
        raise UsageError(f"relboard notice: not sent: {error}") from None
    result = post_notice(
        url, text, attempts=args.attempts, backoff=args.backoff, timeout=args.timeout, label=webhook_label(notices)
    )
    recorder = session.recorder(by=operator(args.by), now=lambda: now if args.now else utc_now())
    try:
        recorder.record(RecordNotice(kind, result.delivered, channel="webhook", detail=result.detail, text=text))
    except (StateError, OSError) as error:
        raise UsageError(
            f"relboard notice: {result.detail}, but it could not be saved to {session.state_path}: {error}"
        ) from None
    publish_after_write(session, args)
    if result.delivered:
        err(f"sent: {result.detail} (saved to {session.state_path})")
        return 0
    err(f"NOT SENT: {result.detail} (recorded in {session.state_path})")
    return 1
