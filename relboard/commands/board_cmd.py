"""`relboard [PLAN]`: open the board. The only command that imports Textual."""

from __future__ import annotations

import argparse
import time

from relboard.commands.common import err, loading_modules, open_session, operator, parse_now, plan_path
from relboard.domain.clock import RehearsalClock


def run(args: argparse.Namespace) -> int:
    start = parse_now(args.now)
    state = args.state
    if start is not None and not state:
        # A rehearsal the day before must not mix with the real window's record.
        from relboard.store.locations import rehearsal_state_path

        state = str(rehearsal_state_path(plan_path(args.plan)))
        err(f"rehearsal: recording into {state}, not the window's own state (--state PATH chooses another file)")
    session = open_session(args.plan, state)
    now = RehearsalClock(start, time.monotonic) if start is not None else None

    with loading_modules():
        from relboard.ui.app import RelboardApp

    app = RelboardApp(
        session,
        now=now,
        operator=operator(args.operator),
        theme_name=args.theme,
        read_only=args.read_only,
        utc=args.utc,
        quiet=args.quiet,
    )
    app.run()
    return 0
