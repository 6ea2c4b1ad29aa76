"""`relboard sync PLAN`: publish the window's unsent events to the hub and pull the ones missing here."""

from __future__ import annotations

import argparse

from relboard.commands.common import UsageError, err, open_session, out
from relboard.commands.hub_option import hub_address, report_outcome
from relboard.store.journal import StateError
from relboard.store.lock import LockTimeout


def run(args: argparse.Namespace) -> int:
    address = hub_address(args)
    if address is None:
        raise UsageError("relboard sync: no hub; pass --hub URL or set RELBOARD_HUB")
    session = open_session(args.plan, args.state)
    from relboard.hub.oneshot import HubUnreachable, sync, unsent_offline

    try:
        outcome = sync(address, session.loaded, session.state_path)
    except HubUnreachable as error:
        err(f"relboard sync: {error}; nothing changed here ({unsent_offline(session.state_path)} unsent)")
        return 1
    except (StateError, LockTimeout) as error:
        raise UsageError(f"relboard sync: {error}") from None
    report_outcome(outcome)
    out(f"pushed {outcome.pushed}, pulled {outcome.pulled}, unsent {outcome.unsent}")
    return 0
