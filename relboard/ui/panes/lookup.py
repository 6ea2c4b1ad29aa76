"""Pane 2: troubleshooting lookup: symptoms ranked as you type, then the selected one's checks."""

from __future__ import annotations

from time import perf_counter

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Input, Static

from relboard.domain.catalog import troubleshooting_for
from relboard.domain.changes import ChangeCursor
from relboard.domain.lookup import RESULTS, Match, SymptomIndex, related
from relboard.domain.plan import Troubleshooting
from relboard.domain.state import WindowState
from relboard.ui.alike import DetailScroll
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.rowlist import RowList
from relboard.ui.text import plain_line, show

DEBOUNCE_SECONDS = 0.15
# A search that took less than this is run again at the next key, in the frame that shows the key. A slower
# one waits for a pause in the typing: one search drawn in a frame of its own, which then holds back the
# next key's frame until Textual's next refresh slot (up to two frames, 33 ms, later).
INLINE_SEARCH_SECONDS = 0.004
# The index is for typing: it is built this long after the board opens (or at the first key, if sooner).
INDEX_AFTER_SECONDS = 0.5


class LookupPane(Pane):
    SCOPE = "lookup"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        # Built once, after the board has opened (a plan may hold thousands of symptoms): searching is per
        # keystroke, indexing is not. Before any query the list is the plan's first symptoms, which is what
        # the index gives for an empty query.
        self._entries = troubleshooting_for(state.plan)
        self._index: SymptomIndex | None = None
        self.matches = [Match(entry, 100.0) for entry in self._entries[:RESULTS]]
        self._debounce: Timer | None = None
        self._search_seconds = 0.0  # what the last search took, its index aside
        self.border_title = "2 Troubleshooting lookup"
        self._changes = ChangeCursor(state.events)

    def compose(self) -> ComposeResult:
        query = Input(placeholder="symptom, e.g. connector fails after upgrade", id="lookup-input")
        # A steady cursor: a blinking one draws a frame of its own twice a second, and a key typed just after
        # such a frame waits for Textual's next refresh slot (up to two frames later).
        query.cursor_blink = False
        yield query
        # The line-API list: results change at every key, and it never measures its rows.
        yield RowList(self._row, len(self.matches), id="symptoms")
        with DetailScroll(id="symptom-detail-scroll"):
            yield Static(id="symptom-detail")

    @property
    def index(self) -> SymptomIndex:
        if self._index is None:
            self._index = SymptomIndex(self._entries)
        return self._index

    def on_mount(self) -> None:
        self.set_timer(INDEX_AFTER_SECONDS, lambda: self.index)

    def _row(self, row: int) -> Content:
        return plain_line(self.matches[row].entry.symptom) if row < len(self.matches) else Content()

    @on(Input.Changed, "#lookup-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        value = event.value
        if self._search_seconds < INLINE_SEARCH_SECONDS:
            self.search(value)
        else:
            self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.search(value))

    @on(Input.Submitted, "#lookup-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self.search(event.value)
        self.query_one("#symptoms", RowList).focus()

    def search(self, query: str) -> None:
        index = self.index
        start = perf_counter()
        self.matches = index.search(query)
        self.query_one("#symptoms", RowList).set_rows(len(self.matches))  # highlights the first: detail follows
        self._search_seconds = perf_counter() - start

    @property
    def selected(self) -> Troubleshooting | None:
        cursor = self.query_one("#symptoms", RowList).cursor
        if cursor is None or cursor >= len(self.matches):
            return None
        return self.matches[cursor].entry

    @on(RowList.Highlighted, "#symptoms")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        self._show_detail()

    @on(RowList.Selected, "#symptoms")
    def _chosen(self, event: RowList.Selected) -> None:
        event.stop()

    def watch_revision(self) -> None:
        # The detail lists the known issues that mention the symptom; nothing else here follows the state.
        if self._changes.take().issues:
            self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#symptom-detail", Static)
        entry = self.selected
        if entry is None:
            show(detail, plain_line("No symptom matches; try fewer or other words."))
            return
        lines: list[Content] = [plain_line(entry.symptom, "bold"), Content.styled("Check, in order:", "$text-muted")]
        lines += [plain_line(f"{n}. {check}") for n, check in enumerate(entry.checks, start=1)]
        issues = list(self.state.issues.values())
        texts = [" ".join((i.title, i.impact, i.workaround)) for i in issues]
        mentioned = [issues[n] for n in related(entry.symptom, texts)]
        if mentioned:
            lines.append(Content.styled("Known issues that mention it:", "$text-muted"))
            for issue in mentioned:
                state = "resolved" if issue.resolved else "open"
                lines.append(plain_line(f"• {issue.title} ({state})"))
        # Unchanged (the same symptom stays first as more of it is typed): no new layout of the screen.
        show(detail, Content("\n").join(lines))

    def focus_primary(self) -> None:
        self.query_one("#lookup-input", Input).focus()
