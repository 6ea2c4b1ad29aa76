"""`relboard state check|repair PLAN [--state PATH]`: find the damage in a state file, or set it aside.

check: one `FILE:LINE:COL: message` line per damaged range, then a summary line; exit 0 intact, 1 damaged,
2 unreadable. repair: keeps every intact event, copies every damaged range to a file beside the state,
records a `state_repaired` event; exit 0 (also when there was nothing to repair), 2 when it cannot.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from relboard.commands.common import UsageError, err, operator, out, state_file
from relboard.store.journal import StateError
from relboard.store.state_repair import check_state, repair_state


def run(args: argparse.Namespace) -> int:
    path = state_file(args.plan, args.state)
    if args.action == "check":
        return _check(path)
    return _repair(path, operator(args.by))


def _check(path: Path) -> int:
    try:
        scan = check_state(path)
    except StateError as error:
        raise UsageError(str(error)) from None
    if scan is None:
        out(f"{path}: no state file yet: nothing recorded, nothing damaged")
        return 0
    for damage in scan.damage:
        out(f"{path}:{damage.line}:{damage.col}: {damage.describe()}")
    out(f"{path}: {scan.summary()}")
    return 1 if scan.damaged else 0


def _repair(path: Path, by: str) -> int:
    try:
        result = repair_state(path, by=by)
    except StateError as error:
        raise UsageError(str(error)) from None
    if not result.repaired:
        out(f"{path}: nothing to repair ({result.kept} events intact)")
        return 0
    ranges = ", ".join(d.lines for d in result.damage)
    plural = "range" if len(result.damage) == 1 else "ranges"
    out(f"{path}: repaired; kept {result.kept} intact events")
    out(f"{len(result.damage)} damaged {plural} (lines {ranges}) copied to {result.side_file}")
    err("the copy is yours to read and delete; relboard never deletes it")
    return 0
