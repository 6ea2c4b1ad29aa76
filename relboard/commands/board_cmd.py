"""`relboard [PLAN]`: open the board. The only command that imports Textual."""

from __future__ import annotations

import argparse
import gc
import time

from relboard.commands.common import err, loading_modules, open_session, operator, parse_now, plan_path
from relboard.commands.hub_option import hub_address
from relboard.domain.clock import RehearsalClock


def _ask_name(name: str) -> bool:
    """Asked on the first open (no name remembered yet) and whenever the name would be a shared account."""
    from relboard.domain.operators import is_shared_account
    from relboard.store.preferences import load_operator_name

    return load_operator_name() is None or is_shared_account(name)


def run(args: argparse.Namespace) -> int:
    # No cyclic collection while the board opens: the plan, the state and the board it builds all live as
    # long as the window, and the collector would walk them again and again for garbage that is not there
    # (it doubled the dependency graph's time on a 50,000-step plan). The board turns it back on once it
    # has opened (RelboardApp.opened).
    gc.disable()
    start = parse_now(args.now)
    state = args.state
    notes: list[str] = []
    if start is not None and not state:
        # A rehearsal the day before must not mix with the real window's record.
        from relboard.store.locations import rehearsal_state_path

        state = str(rehearsal_state_path(plan_path(args.plan)))
        notes.append(
            f"rehearsal: recording into {state}, not the window's own state (--state PATH chooses another file)"
        )
        err(notes[-1])
    # A damaged state opens from its intact events: the board says so and offers the repair.
    session = open_session(args.plan, state, reading=True)
    now = RehearsalClock(start, time.monotonic) if start is not None else None
    cannot_write = "" if session.journal.damage is not None else (session.journal.unwritable_reason() or "")
    name = operator(args.operator)
    if session.state_path.parent.resolve() != session.plan_dir.resolve() and not notes:
        # Not beside the plan (the bundled demo, a read-only folder, --state): say where the record goes.
        notes.append(f"This window's record is kept in {session.state_path}.")

    with loading_modules():
        from relboard.ui.app import RelboardApp

    app = RelboardApp(
        session,
        now=now,
        operator=name,
        theme_name=args.theme,
        read_only=args.read_only,
        utc=args.utc,
        quiet=args.quiet,
        ask_operator=args.ask_operator or (args.operator is None and not args.read_only and _ask_name(name)),
        remember_operator=not args.ask_operator,
        cannot_write=cannot_write,
        notes=notes,
        hub=hub_address(args),
    )
    app.run()
    return 0
