"""`relboard status [PLAN]`: the window at a glance, or the folded state as JSON."""

from __future__ import annotations

import argparse
import sys

from relboard.commands.common import open_session, out, parse_now
from relboard.commands.hub_option import pull_before_read
from relboard.domain.clock import read_clock
from relboard.domain.events import utc_now
from relboard.domain.json_text import dumps_indented
from relboard.domain.plan_history import steps_changed
from relboard.domain.summary import status_json, status_text
from relboard.domain.text import escape_json
from relboard.store.gc_pause import paused_gc


def run(args: argparse.Namespace) -> int:
    # A one-shot command whose every object lives to its end: the cycle collector would only walk a long
    # window's hundreds of thousands of them again and again.
    with paused_gc():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    now = parse_now(args.now) or utc_now()
    session = open_session(args.plan, args.state, reading=True)
    pull_before_read(session, args)
    clock = read_clock(session.plan.window, now)
    change = steps_changed(session.state, session.loaded.hash)
    if args.json:
        document = status_json(session.state, clock)
        document["state_file"] = str(session.state_path)
        document["plan_change"] = {"added": list(change.added), "removed": list(change.removed)} if change else None
        damage = session.journal.damage
        document["state_damage"] = (
            {"summary": damage.summary(), "ranges": [{"lines": d.lines, "reason": d.reason} for d in damage.damage]}
            if damage
            else None
        )
        sys.stdout.write(escape_json(dumps_indented(document)) + "\n")
        return 0
    out(status_text(session.state, clock, utc=args.utc))
    if change:
        out(
            "\nThe plan changed since the state was written:"
            f" added {list(change.added)}, removed {list(change.removed)}"
        )
    out(f"\nState: {session.state_path}")
    return 0
