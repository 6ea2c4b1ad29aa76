"""Pane 2: troubleshooting lookup: symptoms ranked as you type, then the selected one's checks."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from relboard.domain.catalog import troubleshooting_for
from relboard.domain.changes import ChangeCursor
from relboard.domain.lookup import Match, SymptomIndex, related
from relboard.domain.plan import Troubleshooting
from relboard.domain.state import WindowState
from relboard.ui.panes.navlist import NavList
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.text import plain_line

DEBOUNCE_SECONDS = 0.15


class LookupPane(Pane):
    SCOPE = "lookup"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        # Built once: searching is per keystroke, indexing is not.
        self.index = SymptomIndex(troubleshooting_for(state.plan))
        self.matches: list[Match] = []
        self._debounce: Timer | None = None
        self.border_title = "2 Troubleshooting lookup"
        self._changes = ChangeCursor(state.events)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="symptom, e.g. connector fails after upgrade", id="lookup-input")
        yield NavList(id="symptoms")
        with VerticalScroll(id="symptom-detail-scroll"):
            yield Static(id="symptom-detail")

    def on_mount(self) -> None:
        self.search(self.query_one("#lookup-input", Input).value)

    @on(Input.Changed, "#lookup-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        value = event.value
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.search(value))

    @on(Input.Submitted, "#lookup-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self.search(event.value)
        self.query_one("#symptoms", NavList).focus()

    def search(self, query: str) -> None:
        self.matches = self.index.search(query)
        symptoms = self.query_one("#symptoms", NavList)
        symptoms.set_options(
            Option(plain_line(match.entry.symptom), id=f"m:{n}") for n, match in enumerate(self.matches)
        )
        if self.matches:
            symptoms.highlighted = 0
        self._show_detail()

    @property
    def selected(self) -> Troubleshooting | None:
        highlighted = self.query_one("#symptoms", NavList).highlighted
        if highlighted is None or highlighted >= len(self.matches):
            return None
        return self.matches[highlighted].entry

    @on(NavList.OptionHighlighted, "#symptoms")
    def _highlighted(self, event: NavList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(NavList.OptionSelected, "#symptoms")
    def _chosen(self, event: NavList.OptionSelected) -> None:
        event.stop()

    def watch_revision(self) -> None:
        # The detail lists the known issues that mention the symptom; nothing else here follows the state.
        if self._changes.take().issues:
            self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#symptom-detail", Static)
        entry = self.selected
        if entry is None:
            detail.update(plain_line("No symptom matches; try fewer or other words."))
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
        detail.update(Content("\n").join(lines))

    def focus_primary(self) -> None:
        self.query_one("#lookup-input", Input).focus()
