"""`relboard new --category C [--out FILE]`: a starter plan that validates, never over an existing file."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path

from relboard.commands.common import UsageError, out
from relboard.domain.plan import Category
from relboard.domain.starter import starter_plan


def _next_window_start() -> datetime:
    # Next week, 22:00 local: a plausible evening window the engineer edits anyway. The offset is
    # taken on that day, so a DST change within the week does not leave a wrong one.
    local = (datetime.now() + timedelta(days=7)).replace(hour=22, minute=0, second=0, microsecond=0)
    return local.astimezone()


def run(args: argparse.Namespace) -> int:
    try:
        category = Category(args.category)
    except ValueError:
        raise UsageError(
            f"relboard new: unknown category {args.category!r}; choose one of: " + ", ".join(c.value for c in Category)
        ) from None
    text = starter_plan(category, _next_window_start())
    if not args.out:
        sys.stdout.write(text)
        return 0
    target = Path(args.out)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"relboard new: {target} already exists; not overwriting it (choose another --out)") from None
    except OSError as error:
        raise UsageError(f"relboard new: cannot write {target}: {error.strerror}") from None
    out(f"wrote {target}: edit the owners and times, then run: relboard validate {target}")
    return 0
