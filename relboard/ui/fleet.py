"""`relboard fleet --hub URL`: every window on the hub, live, in a terminal of its own.

One row a window: title, environment, phase and clock, progress, tripped criteria, the last decision,
who is on it, and events a machine could not send yet. The rows come from the hub's summaries
(relboard.hub.fleet.FleetFeed), read every two seconds on the feed's own thread.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from relboard.domain.text import clean
from relboard.hub.address import HubAddress
from relboard.hub.fleet import FleetFeed
from relboard.ui.text import plain_line

COLUMNS = ("window", "title", "environment", "phase · clock", "done", "tripped", "last decision", "on it", "unsent")


class FleetRows(Message):
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.rows = rows


class FleetStatus(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def cells(row: dict[str, Any]) -> tuple[str, ...]:
    progress = row["progress"]
    done = f"{progress['done']}/{progress['total']}" + (f" · {progress['failed']} failed" if progress["failed"] else "")
    last = row["last_decision"]
    decided = f"{last['decision']} ({last['by'] or 'operator'})" if last else ""
    return (
        row["window"],
        row["title"],
        row["environment"],
        f"{row['phase']} · {row['clock']}",
        done,
        ", ".join(row["tripped"]),
        decided,
        ", ".join(row["on_it"]),
        str(row["unsent"] or ""),
    )


class FleetApp(App[None]):
    TITLE = "relboard fleet"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit", id="fleet-quit")]

    def __init__(self, address: HubAddress) -> None:
        super().__init__()
        self.address = address
        self.feed = FleetFeed(address, on_rows=self._rows, on_status=self._status)

    def compose(self) -> ComposeResult:
        yield Static(plain_line(f"Windows on {self.address.masked} · connecting"), id="fleet-status")
        yield DataTable(id="fleet", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#fleet", DataTable)
        table.add_columns(*COLUMNS)
        self.feed.start()

    def on_unmount(self) -> None:
        self.feed.stop(timeout=2.0)

    # The feed calls these on its own thread: messages carry them to the UI thread.
    def _rows(self, rows: list[dict[str, Any]]) -> None:
        self.post_message(FleetRows(rows))

    def _status(self, text: str) -> None:
        self.post_message(FleetStatus(text))

    @on(FleetRows)
    def _show_rows(self, message: FleetRows) -> None:
        table = self.query_one("#fleet", DataTable)
        table.clear()
        for row in message.rows:
            # Hub text is data: plain cells (cleaned, never markup); DataTable measures Rich text.
            table.add_row(*(Text(clean(cell, single_line=True)) for cell in cells(row)), key=row["window"])

    @on(FleetStatus)
    def _show_status(self, message: FleetStatus) -> None:
        self.query_one("#fleet-status", Static).update(plain_line(f"Windows on {self.address.masked} · {message.text}"))
