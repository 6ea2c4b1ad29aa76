"""`relboard join WINDOW --hub URL [--dir DIR]`: fetch a window's plan and events to work on it here."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from relboard.commands.common import UsageError, err, out
from relboard.commands.hub_option import hub_address
from relboard.store.journal import StateError


def run(args: argparse.Namespace) -> int:
    address = hub_address(args)
    if address is None:
        raise UsageError("relboard join: no hub; pass --hub URL or set RELBOARD_HUB")
    from relboard.hub.join import JoinError, join
    from relboard.hub.link import HubUnreachable

    try:
        joined = join(address, args.window, Path(args.dir))
    except HubUnreachable as error:
        err(f"relboard join: {error}")
        return 1
    except JoinError as error:
        err(f"relboard join: {error}")
        return 1
    except (StateError, OSError) as error:
        raise UsageError(f"relboard join: {error}") from None
    for line in joined.refused:
        err(line)
    out(f"joined {args.window}: {joined.events} events in {joined.state_path}, plan {joined.plan_path}")
    command = ["relboard", str(joined.plan_path)]
    if args.hub:
        command += ["--hub", address.masked]
    out("open the board: " + shlex.join(command))
    if address.secrets and args.hub:
        out("(the hub's password or token is shown as ***: put it back, or set RELBOARD_HUB instead of --hub)")
    return 0
