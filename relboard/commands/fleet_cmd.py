"""`relboard fleet --hub URL [--json]`: every window on the hub, with its clock, progress and people."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from relboard.commands.common import UsageError, err, out
from relboard.commands.hub_option import hub_address


def run(args: argparse.Namespace) -> int:
    address = hub_address(args)
    if address is None:
        raise UsageError("relboard fleet: no hub; pass --hub URL or set RELBOARD_HUB")
    from relboard.hub.fleet import fleet_rows
    from relboard.hub.link import HubUnreachable

    if not args.json and sys.stdout.isatty():
        # In a terminal: the live screen. Piped or for scripts (--json): the rows once.
        from relboard.commands.common import loading_modules

        with loading_modules():
            from relboard.ui.fleet import FleetApp
        FleetApp(address).run()
        return 0
    try:
        rows = fleet_rows(address)
    except HubUnreachable as error:
        err(f"relboard fleet: {error}")
        return 1
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not rows:
        out(f"no windows on the hub at {address.masked}")
    for row in rows:
        out(_line(row))
    return 0


def _line(row: dict[str, Any]) -> str:
    p = row["progress"]
    parts = [
        f"{row['window']}: {row['title']} ({row['environment']})",
        f"{row['phase']} · {row['clock']}",
        f"{p['done']}/{p['total']} done" + (f", {p['failed']} failed" if p["failed"] else ""),
    ]
    if row["tripped"]:
        parts.append("tripped: " + ", ".join(row["tripped"]))
    last = row["last_decision"]
    if last:
        parts.append(f"decided: {last['decision']} ({last['by'] or 'operator'})")
    if row["on_it"]:
        parts.append("on it: " + ", ".join(row["on_it"]))
    if row["unsent"]:
        parts.append(f"{row['unsent']} unsent")
    return " · ".join(parts)
