"""`relboard status [PLAN]`: the window at a glance, or the folded state as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from relboard.commands.common import open_session, out, parse_now
from relboard.commands.hub_option import pull_before_read
from relboard.domain.clock import read_clock
from relboard.domain.events import utc_now
from relboard.domain.summary import status_json, status_text


def run(args: argparse.Namespace) -> int:
    now = parse_now(args.now) or utc_now()
    session = open_session(args.plan, args.state)
    pull_before_read(session, args)
    clock = read_clock(session.plan.window, now)
    if args.json:
        document = status_json(session.state, clock)
        document["state_file"] = str(session.state_path)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return 0
    out(status_text(session.state, clock, now.astimezone().tzinfo))
    if session.plan_change:
        change = session.plan_change
        out(
            "\nThe plan changed since the state was written:"
            f" added {list(change.added)}, removed {list(change.removed)}"
        )
    out(f"\nState: {session.state_path}")
    return 0
