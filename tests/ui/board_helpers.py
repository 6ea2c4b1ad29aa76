"""Helpers for the board's tests: a board on real files, the screen as text, waiting for the writer."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import UTC, datetime
from pathlib import Path

from relboard.domain.events import Event
from relboard.store.journal import Journal
from relboard.ui.app import RelboardApp
from relboard.ui.saving import WriterMessage
from relboard.window.session import WindowSession
from relboard.window.writer import ForeignEvents
from tests.conftest import DATA, minimal_data  # noqa: F401  (re-exported for the board's tests)

# In the minimal plan's window (22:00 +01:00 for 2h): 0:30 in, rollback deadline 23:30 is an hour away.
IN_WINDOW = datetime(2026, 12, 5, 21, 30, tzinfo=UTC)
WIDE = (160, 48)
NARROW = (80, 24)


def make_app(session: WindowSession, now: datetime = IN_WINDOW, **kwargs) -> RelboardApp:
    return RelboardApp(session, now=lambda: now, operator=kwargs.pop("operator", "tester"), **kwargs)


def arrive(app: RelboardApp, *events: Event) -> None:
    """Events another writer saved, as the board's writer thread hands them over."""
    app.post_message(WriterMessage(ForeignEvents(list(events))))


def on_disk(state_path: Path) -> list:
    """What a fresh reader of the state file finds."""
    return Journal(state_path).load()


_SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([0-9.]+)" y="[0-9.]+" textLength="[0-9.]+" '
    r'clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>'
)


def screen_text(app: RelboardApp) -> str:
    """The screen as plain text, the way a user reads it (from the app's own screenshot)."""
    cells: dict[int, dict[int, str]] = {}
    for x, line, text in _SVG_TEXT.findall(app.export_screenshot()):
        column = round((float(x) - 12.2) / 12.2)
        row = cells.setdefault(int(line), {})
        for offset, char in enumerate(html.unescape(text)):
            row[column + offset] = char
    lines = []
    for number in range(max(cells, default=-1) + 1):
        row = cells.get(number, {})
        lines.append("".join(row.get(c, " ") for c in range(max(row, default=-1) + 1)).replace("\xa0", " ").rstrip())
    return "\n".join(lines)


async def wait_until(pilot, predicate, timeout: float = 5.0) -> bool:
    """Let the app run until `predicate()` holds (saving and polling happen in a worker thread)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def events_of(state_path: Path, kind: str) -> list:
    return [event for event in on_disk(state_path) if event.kind == kind]
