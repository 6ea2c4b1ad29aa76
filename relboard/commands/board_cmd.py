"""`relboard [PLAN]`: open the board. The only command that imports Textual."""

from __future__ import annotations

import argparse
import time

from relboard.commands.common import loading_modules, open_session, operator, parse_now
from relboard.domain.clock import RehearsalClock


def run(args: argparse.Namespace) -> int:
    session = open_session(args.plan, args.state)
    start = parse_now(args.now)
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
