"""`relboard calendar PLAN [--out FILE]`: the window as an iCalendar file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from relboard.commands.common import UsageError
from relboard.domain.events import utc_now


def run(args: argparse.Namespace) -> int:
    from relboard.domain.calendar import window_calendar
    from relboard.store.files import write_atomically
    from relboard.store.plan_file import PlanError, load_plan

    try:
        plan = load_plan(args.plan, cached=True).plan
    except PlanError as error:
        raise UsageError(str(error)) from None
    data = window_calendar(plan, utc_now())
    if not args.out:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(args.out)
    try:
        write_atomically(target, data)
    except OSError as error:
        raise UsageError(f"relboard calendar: cannot write {target}: {error.strerror or error}") from None
    sys.stderr.write(f"wrote {target}\n")
    return 0
