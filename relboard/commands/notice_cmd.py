"""`relboard notice before|after|decision PLAN [--send] [--to CHANNEL]...`: print the draft, or send it to
every channel the plan configures (webhook, status page, PagerDuty), each send recorded as it lands."""

from __future__ import annotations

import argparse
import sys

from relboard.commands.common import UsageError, clock, err, open_session, out, recording_operator, require_writable
from relboard.commands.hub_option import publish_after_write, pull_before_read
from relboard.domain.channel_events import RecordSent
from relboard.domain.clock import WindowPhase, read_clock
from relboard.domain.events import NoticeKind
from relboard.domain.notice_moment import AfterResult, after_result, preview_choice
from relboard.domain.notices import draft
from relboard.store.journal import StateError

KINDS = tuple(k.value for k in NoticeKind if k is not NoticeKind.PAGE)


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
    session = open_session(args.plan, args.state, reading=not args.send)
    pull_before_read(session, args)
    state = session.state
    moment = now()
    try:
        text = draft(kind, state, moment)
    except ValueError as error:
        raise UsageError(f"relboard notice {kind.value}: {error}; record the decision on the board first") from None
    reading = read_clock(session.plan.window, moment)
    suggested = preview_choice(state, reading).kind
    if suggested is not kind:
        err(f"note: the current moment calls for the {suggested.value} notice")
    found = after_result(state, moment)
    if kind is NoticeKind.AFTER and not found.final:
        err(f"note: a draft: {_unfinished(found)}")
    out(text)
    if not args.send:
        return 0
    require_writable(session)

    from relboard.net.channels import missing_secrets, plan_sends, send
    from relboard.net.http_send import Retry
    from relboard.net.statuspage import NotConfigured
    from relboard.net.webhook import WebhookNotConfigured

    plan = session.plan
    configured = {
        "webhook": bool(plan.notices.webhook_env),
        "statuspage": plan.notices.statuspage is not None,
        "pagerduty": plan.escalation.pagerduty is not None,
    }
    unknown = [c for c in args.to if not configured[c]]
    if unknown:
        raise UsageError(f"relboard notice: not sent: the plan configures no {', '.join(unknown)} channel")
    if not any(configured.values()):
        raise UsageError(
            'relboard notice: not sent: the plan names no webhook: add webhook_env = "NAME" to its [notices] table'
            " (or a [notices.statuspage] table)"
        )
    sends = plan_sends(state, kind, args.to or None)
    problems = missing_secrets(state, sends)
    if problems:
        raise UsageError("relboard notice: not sent: " + "; ".join(problems))
    if not sends:
        err(f"nothing to send: no configured channel takes the {kind.value} notice now")
        return 0
    if kind is NoticeKind.AFTER and not _confirmed(found, args.yes):
        err("not sent")
        return 1

    by = recording_operator(args.by)
    recorder = session.recorder(by=by, now=now)
    retry = Retry(attempts=args.attempts, backoff=args.backoff, timeout=args.timeout)
    in_progress = kind is NoticeKind.BEFORE and reading.phase is not WindowPhase.BEFORE
    failed = 0
    for item in sends:
        try:
            event = send(state, kind, item, text, by=by, at=now(), in_progress=in_progress, retry=retry)
        except (NotConfigured, WebhookNotConfigured) as error:
            err(f"NOT SENT ({item.channel}): {error}")
            failed += 1
            continue
        if event is None:
            continue
        try:
            recorder.record(RecordSent(event))
        except (StateError, OSError) as error:
            raise UsageError(
                f"relboard notice: {event.detail}, but it could not be saved to {session.state_path}: {error}"
            ) from None
        if event.delivered:
            err(f"sent: {event.detail} (saved to {session.state_path})")
        else:
            failed += 1
            err(f"NOT SENT: {event.detail} (recorded in {session.state_path})")
    publish_after_write(session, args)
    return 1 if failed else 0
