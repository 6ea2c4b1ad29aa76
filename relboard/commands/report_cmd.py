"""`relboard report PLAN [--state PATH] [--format md|html] [--out FILE]`: the post-change report.

The report is derived from the state alone, so it may be produced again at any time: `--out` replaces
an existing file, atomically, so a reader never sees half a report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from relboard.commands.common import UsageError, err, open_session
from relboard.commands.hub_option import pull_before_read
from relboard.domain.plan_history import steps_changed
from relboard.domain.report import Report, build_report
from relboard.store.files import write_atomically
from relboard.store.gc_pause import paused_gc

FORMATS = ("md", "html")


def run(args: argparse.Namespace) -> int:
    # A one-shot command whose every object lives to its end: the cycle collector would only walk a long
    # window's hundreds of thousands of them again and again.
    with paused_gc():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    session = open_session(args.plan, args.state, reading=True)
    pull_before_read(session, args)
    report = build_report(session.state, utc=args.utc)
    data = _render(report, args.format)
    change = steps_changed(session.state, session.loaded.hash)
    if change:
        err(
            f"note: the plan changed since the state was written"
            f" (added {list(change.added)}, removed {list(change.removed)});"
            " the report follows the plan as it is now"
        )
    if not args.out:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(args.out)
    if target.is_dir():
        raise UsageError(f"relboard report: {target} is a folder; give a file name for --out")
    try:
        write_atomically(target, data)
    except OSError as error:
        raise UsageError(f"relboard report: cannot write {target}: {error.strerror or error}") from None
    err(f"wrote {target}")
    return 0


def _render(report: Report, kind: str) -> bytes:
    # Each renderer is imported only when asked for.
    if kind == "html":
        from relboard.domain.report_html import render_html

        return render_html(report).encode("utf-8")
    from relboard.domain.report_markdown import markdown_bytes

    return markdown_bytes(report)
