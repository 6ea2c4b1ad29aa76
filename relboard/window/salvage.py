"""Opening a window whose state file is damaged: its intact events, and the damage beside them."""

from __future__ import annotations

from pathlib import Path

from relboard.store.journal import Journal
from relboard.store.plan_file import load_plan
from relboard.window.session import WindowSession


def open_window(
    plan_path: Path | str, state_path: Path | str | None = None, *, salvage: bool = False, lazy: bool = False
) -> WindowSession:
    """A window session; with `salvage`, a damaged state opens with its intact events and the damage in
    `session.journal.damage` (a JournalScan; None when the file is intact), and recording is refused
    (JournalDamaged) until the file is repaired (relboard.store.state_repair.repair_state).
    `lazy`: see WindowSession.open. Raises PlanError or StateError; never writes."""
    if not salvage:
        return WindowSession.open(plan_path, state_path, lazy=lazy)
    loaded = load_plan(plan_path, cached=True)
    if state_path:
        path = Path(state_path)
    else:
        from relboard.store.locations import default_state_path

        path = default_state_path(loaded.path)
    journal = Journal(path)
    return WindowSession(loaded, journal, journal.load(salvage=True, lazy=lazy))
