"""`--hub URL` (or RELBOARD_HUB) on the commands that read or write a window.

Writers publish after the local append and never fail because the hub does not answer; readers pull
first when it answers and show the local state when it does not. The hub's code (nats-py) is imported
only when a hub is configured, so commands without one start as before.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from relboard.commands.common import UsageError, err, out
from relboard.store.journal import StateError
from relboard.store.lock import LockTimeout

if TYPE_CHECKING:
    from relboard.hub.address import HubAddress
    from relboard.hub.oneshot import SyncOutcome
    from relboard.window.session import WindowSession


def add_hub(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hub", metavar="URL", help="NATS hub shared by the team, e.g. nats://hub:4222 (default: $RELBOARD_HUB)"
    )


def hub_address(args: argparse.Namespace) -> HubAddress | None:
    from relboard.hub.address import HubAddressError
    from relboard.hub.address import hub_address as parse

    try:
        return parse(getattr(args, "hub", None))
    except HubAddressError as error:
        raise UsageError(f"--hub: {error}") from None


def report_outcome(outcome: SyncOutcome) -> None:
    for line in outcome.refused:
        err(line)
    for note in outcome.notes:
        err(f"note: {note}")


def publish_after_write(session: WindowSession, args: argparse.Namespace) -> None:
    """After an event is saved: publish what is unsent; an unreachable hub is said, not an error."""
    address = hub_address(args)
    if address is None:
        return
    from relboard.hub.oneshot import HubUnreachable, sync, unsent_offline

    try:
        outcome = sync(address, session.loaded, session.state_path, pull=False)
    except HubUnreachable as error:
        err(str(error))
        out(f"saved locally; not yet on the hub ({unsent_offline(session.state_path)} unsent)")
        return
    except (StateError, LockTimeout) as error:
        err(f"not published to the hub: {error}")
        return
    report_outcome(outcome)
    if outcome.unsent:
        out(f"saved locally; not yet on the hub ({outcome.unsent} unsent)")


def pull_before_read(session: WindowSession, args: argparse.Namespace) -> None:
    """Before showing the window: take what the hub has that the journal lacks, when it answers."""
    address = hub_address(args)
    if address is None:
        return
    from relboard.hub.oneshot import HubUnreachable, sync

    try:
        outcome = sync(address, session.loaded, session.state_path, push=False)
    except HubUnreachable as error:
        err(f"{error}; showing the local state")
        return
    except (StateError, LockTimeout) as error:
        err(f"not read from the hub: {error}")
        return
    report_outcome(outcome)
    try:
        for event in session.journal.read_new():
            session.state.apply(event)
    except StateError as error:
        raise UsageError(str(error)) from None
