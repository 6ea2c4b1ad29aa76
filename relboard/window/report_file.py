"""The post-change report as a file beside the window's state, written from a copy of its events."""

from __future__ import annotations

from pathlib import Path

from relboard.domain.events import Event
from relboard.domain.plan import Plan
from relboard.domain.state import WindowState
from relboard.store.files import write_atomically


def report_path(state_file: Path) -> Path:
    """`<state stem>.report.md` next to the state file."""
    return state_file.with_name(f"{state_file.stem}.report.md")


def write_report(plan: Plan, events: list[Event], target: Path) -> Path:
    """Fold `events` again and put the Markdown report in place atomically (a reader never sees half)."""
    from relboard.domain.report import build_report
    from relboard.domain.report_markdown import markdown_bytes

    write_atomically(target, markdown_bytes(build_report(WindowState(plan, events))))
    return target
