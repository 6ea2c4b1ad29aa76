"""`relboard notice before|after|decision PLAN [--send]`: print the draft, or send it to the plan's webhook."""

from __future__ import annotations

import argparse
import os
import sys

from relboard.commands.common import UsageError, clock, err, open_session, out, recording_operator
from relboard.domain.clock import read_clock
from relboard.domain.events import NoticeKind
from relboard.domain.intents import RecordNotice
from relboard.domain.notice_moment import AfterResult, after_result, preview_choice
from relboard.domain.notices import draft
from relboard.net.webhook import WebhookNotConfigured, post_notice, webhook_label, webhook_url
from relboard.store.journal import StateError

KINDS = tuple(k.value for k in NoticeKind)


def _unfinished(found: AfterResult) -> str:
    what = found.unfinished_text()
    return f"the change is {found.result}" + (f" ({what})" if what else "")


def _confirmed(found: AfterResult, yes: bool) -> bool:
    """An after notice that is not the window's final word goes out only when the engineer says so."""
    if found.final or yes:
        return True
    question = f"This after notice is a draft: {_unfinished(found)}."
    if not sys.stdin.isatty():
        raise UsageError(
            f"relboard notice: not sent (no terminal to confirm on): {question[0].lower()}{question[1:]}"
            " Pass --yes to send it anyway."
        )
    sys.stderr.write(f"{question} Send it anyway? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    kind = NoticeKind(args.kind)
    now = clock(args.now)
    session = open_session(args.plan, args.state)
    state = session.state
    moment = now()
    try:
        text = draft(kind, state, moment)
    except ValueError as error:
        raise UsageError(f"relboard notice {kind.value}: {error}; record the decision on the board first") from None
    suggested = preview_choice(state, read_clock(session.plan.window, moment)).kind
    if suggested is not kind:
        err(f"note: the current moment calls for the {suggested.value} notice")
    found = after_result(state, moment)
    if kind is NoticeKind.AFTER and not found.final:
        err(f"note: a draft: {_unfinished(found)}")
    out(text)
    if not args.send:
        return 0
    notices = session.plan.notices
    try:
        url = webhook_url(notices, os.environ)
    except WebhookNotConfigured as error:
        raise UsageError(f"relboard notice: not sent: {error}") from None
    if kind is NoticeKind.AFTER and not _confirmed(found, args.yes):
        err("not sent")
        return 1
    by = recording_operator(args.by)
    result = post_notice(
        url, text, attempts=args.attempts, backoff=args.backoff, timeout=args.timeout, label=webhook_label(notices)
    )
    recorder = session.recorder(by=by, now=now)
    try:
        recorder.record(RecordNotice(kind, result.delivered, channel="webhook", detail=result.detail, text=text))
    except (StateError, OSError) as error:
        raise UsageError(
            f"relboard notice: {result.detail}, but it could not be saved to {session.state_path}: {error}"
        ) from None
    if result.delivered:
        err(f"sent: {result.detail} (saved to {session.state_path})")
        return 0
    err(f"NOT SENT: {result.detail} (recorded in {session.state_path})")
    return 1
