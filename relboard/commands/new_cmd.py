"""`relboard new --category C [--out FILE]`: a starter plan to fill in, never over an existing file."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from relboard.commands.common import UsageError, out
from relboard.domain.placeholders import PLACEHOLDER
from relboard.domain.plan import Category
from relboard.domain.starter import starter_plan


def _local_zone() -> ZoneInfo | None:
    """The machine's named time zone (TZ, /etc/localtime, ...); None when it has no IANA name."""
    from tzlocal import get_localzone_name

    try:
        name = get_localzone_name()
        return ZoneInfo(name) if name else None
    except Exception:  # noqa: BLE001 - an unnamed or broken zone setting: fall back to the offset
        return None


def _next_window_start() -> datetime:
    # Next week, 22:00 local: a plausible evening window the engineer edits anyway. In a named zone,
    # the plan gets `window.timezone` and notices follow its daylight-saving changes; otherwise the
    # offset is taken on that day, so a DST change within the week does not leave a wrong one.
    local = (datetime.now() + timedelta(days=7)).replace(hour=22, minute=0, second=0, microsecond=0)
    zone = _local_zone()
    return local.replace(tzinfo=zone) if zone is not None else local.astimezone()


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
    out(
        f'wrote {target}: replace every value that starts with "{PLACEHOLDER}" and check the times;'
        f" relboard validate {target} lists what is left"
    )
    return 0
