"""The window's timeline: every event and milestone by time, filterable by kind, searchable.

A long window's journal holds 100,000 events. The entries are described once, in a thread; each
row's text is made only when it scrolls into view; a filter is a list comprehension over prepared
rows, and the list swaps in the matching rows without measuring any of them.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import ClassVar

from msgspec import Struct
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Select
from textual.worker import Worker, WorkerState

from relboard.domain.state import WindowState
from relboard.domain.timeline import KIND_LABELS, TimelineEntry, timeline
from relboard.ui.actions import bindings
from relboard.ui.rowlist import RowList
from relboard.ui.text import plain_line

SEARCH_DELAY = 0.2
ALL_KINDS = "all"


class TimelineRow(Struct, frozen=True):
    """One entry as shown: local time, who, what, and the lower-cased text a search looks in."""

    entry: TimelineEntry
    when: str
    haystack: str


def prepare_rows(entries: list[TimelineEntry], zone: tzinfo) -> list[TimelineRow]:
    """Times in the board's zone (with the date when the entries span several days) and search texts, once."""
    locals_ = [entry.at.astimezone(zone) for entry in entries]
    dated = len({moment.date() for moment in locals_}) > 1
    rows = []
    for entry, moment in zip(entries, locals_, strict=False):
        # f-strings rather than strftime: twice as fast over 100,000 entries.
        when = f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        if dated:
            when = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {when}"
        label = KIND_LABELS.get(entry.kind, entry.kind)
        rows.append(TimelineRow(entry, when, f"{when} {entry.who} {label} {entry.text}".lower()))
    return rows


def row_content(row: TimelineRow) -> Content:
    entry = row.entry
    return Content.assemble(
        (row.when, "$text-muted"),
        "  ",
        plain_line(entry.who.ljust(16) if entry.who else "—".ljust(16), "bold" if entry.who else "$text-muted"),
        " ",
        plain_line(entry.text, "bold $text-accent" if entry.milestone else ""),
    )


def filter_rows(rows: list[TimelineRow], kind: str, search: str) -> list[int]:
    """Indexes of the rows of `kind` (or every kind) whose text holds every word of `search`."""
    words = search.lower().split()
    return [
        index
        for index, row in enumerate(rows)
        if (kind == ALL_KINDS or row.entry.kind == kind) and all(word in row.haystack for word in words)
    ]


class TimelineList(RowList):
    """The shown rows of the timeline: row n is `rows[shown[n]]`, made into text when it scrolls into view."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(self._made_row, id=id)
        self.rows: list[TimelineRow] = []
        self.shown: list[int] = []

    def show_rows(self, rows: list[TimelineRow], shown: list[int]) -> None:
        self.rows, self.shown = rows, shown
        self.set_rows(len(shown))

    def _made_row(self, row: int) -> Content:
        return row_content(self.rows[self.shown[row]])


class TimelineScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("timeline")

    def __init__(self, state: WindowState, now: datetime | None, zone: tzinfo) -> None:
        super().__init__()
        self.state = state
        self.now = now
        self.zone = zone
        self.rows: list[TimelineRow] = []
        self.shown: list[int] = []
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog timeline"):
            with Horizontal(id="timeline-head"):
                yield Label(plain_line("Timeline"), classes="dialog-title", id="timeline-title")
                yield Label(plain_line("reading the journal…"), id="timeline-count")
            with Horizontal(id="timeline-filters"):
                yield Select(
                    [("all kinds", ALL_KINDS)], value=ALL_KINDS, allow_blank=False, id="timeline-kind", compact=True
                )
                yield Input(placeholder="Search (who, what, time)", id="timeline-search", compact=True)
            yield TimelineList(id="timeline-list")
            yield Label(
                plain_line("escape closes · / searches · tab moves between the filter, the search and the list"),
                classes="form-context",
            )

    def on_mount(self) -> None:
        self.query_one("#timeline-list", TimelineList).focus()
        # The events are copied here, on the UI thread; the worker folds its own state from them while the
        # board goes on recording.
        plan, events, now, zone = self.state.plan, list(self.state.events), self.now, self.zone

        def read() -> list[TimelineRow]:
            return prepare_rows(timeline(WindowState(plan, events), now), zone)

        self.run_worker(read, name="timeline", thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "timeline":
            return
        if event.state is WorkerState.SUCCESS and event.worker.result is not None:
            self.show_rows(event.worker.result)
        elif event.state is WorkerState.ERROR:
            self.query_one("#timeline-count", Label).update(
                plain_line(f"could not read the timeline: {event.worker.error}")
            )

    def show_rows(self, rows: list[TimelineRow]) -> None:
        self.rows = rows
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.entry.kind] = counts.get(row.entry.kind, 0) + 1
        choices = [("all kinds", ALL_KINDS)] + [
            (f"{label} ({counts[kind]:,})", kind) for kind, label in KIND_LABELS.items() if kind in counts
        ]
        select = self.query_one("#timeline-kind", Select)
        select.set_options(choices)
        select.value = ALL_KINDS
        self.apply_filter()

    @property
    def kind(self) -> str:
        value = self.query_one("#timeline-kind", Select).value
        return value if isinstance(value, str) else ALL_KINDS

    @property
    def search(self) -> str:
        return self.query_one("#timeline-search", Input).value

    def apply_filter(self) -> None:
        self.shown = filter_rows(self.rows, self.kind, self.search)
        self.query_one("#timeline-list", TimelineList).show_rows(self.rows, self.shown)
        total = len(self.rows)
        count = f"{total:,} entries" if len(self.shown) == total else f"{len(self.shown):,} of {total:,} entries"
        self.query_one("#timeline-count", Label).update(plain_line(count))

    @on(Select.Changed, "#timeline-kind")
    def _kind_changed(self) -> None:
        if self.rows:
            self.apply_filter()

    @on(Input.Changed, "#timeline-search")
    def _search_changed(self) -> None:
        # Typing a word filters once, after a short pause, not on every key.
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        self._search_timer = None
        if self.rows:
            self.apply_filter()

    @on(Input.Submitted, "#timeline-search")
    def _search_submitted(self) -> None:
        self._search_now()
        self.query_one("#timeline-list", TimelineList).focus()

    def action_search(self) -> None:
        self.query_one("#timeline-search", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
