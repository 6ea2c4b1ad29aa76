"""The clock strip across the top: what is changing, where, how long is left, and is it saved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.reactive import var
from textual.widgets import Label

from relboard.domain.catalog import CATEGORY_TITLES
from relboard.domain.clock import Alert, ClockReading, WindowPhase
from relboard.domain.plan import Plan
from relboard.ui.text import plain_line, show
from relboard.ui.writer import SaveState

_SAVE_GLYPH = {
    SaveState.SAVED: "● saved",
    SaveState.SAVING: "◌ saving",
    SaveState.READ_ONLY: "◇ read-only",
    SaveState.FAILED: "▲ save failed (retrying)",
}


class ClockStrip(Horizontal):
    """Two lines: the release on the first, the clocks and counts on the second."""

    reading: var[ClockReading | None] = var(None)
    open_issues: var[int] = var(0)
    save_state: var[SaveState] = var(SaveState.SAVED)
    save_error: var[str] = var("")
    complete: var[bool] = var(False)

    def __init__(self, plan: Plan, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan = plan

    def compose(self) -> ComposeResult:
        release = self.plan.release
        category = CATEGORY_TITLES.get(release.category, str(release.category))
        title = f"{release.title} · {release.environment} · {category}"
        if release.change_ref:
            title += f" · {release.change_ref}"
        with Horizontal(id="strip-top"):
            yield Label(plain_line(title), id="strip-title")
            yield Label(id="strip-complete")
            yield Label(id="strip-save")
        with Grid(id="strip-bottom"):
            yield Label(id="strip-window")
            yield Label(id="strip-issues")
            yield Label(id="strip-deadline")

    def on_mount(self) -> None:
        self._ready = True
        self.watch_reading(self.reading)
        self.watch_open_issues(self.open_issues)
        self._show_save()
        self.watch_complete(self.complete)

    _ready = False

    def watch_reading(self, reading: ClockReading | None) -> None:
        if reading is None or not self._ready:
            return
        window = self.query_one("#strip-window", Label)
        show(window, plain_line(reading.window_text()))
        window.set_class(reading.phase is WindowPhase.OVERRUN, "-alarm")
        window.set_class(reading.phase is WindowPhase.BEFORE, "-before")
        deadline = self.query_one("#strip-deadline", Label)
        show(deadline, plain_line(reading.deadline_text(self.plan.window.zone)))
        alert = reading.deadline_alert
        deadline.set_class(alert is Alert.WARNING, "-warning")
        deadline.set_class(alert is Alert.ALARM, "-alarm")

    def watch_open_issues(self, count: int) -> None:
        if not self._ready:
            return
        label = self.query_one("#strip-issues", Label)
        show(label, plain_line(f"{count} open known issue{'' if count == 1 else 's'}"))
        label.set_class(count > 0, "-warning")

    def _show_save(self) -> None:
        if not self._ready:
            return
        label = self.query_one("#strip-save", Label)
        text = _SAVE_GLYPH[self.save_state]
        if self.save_state is SaveState.FAILED and self.save_error:
            label.tooltip = plain_line(self.save_error)
        else:
            label.tooltip = None
        # Its width is fixed in the stylesheet, so a new state repaints the label without a layout.
        show(label, plain_line(text), layout=False)
        for state in SaveState:
            label.set_class(state is self.save_state, f"-{state.name.lower().replace('_', '-')}")

    def watch_save_state(self) -> None:
        self._show_save()

    def watch_save_error(self) -> None:
        self._show_save()

    def watch_complete(self, complete: bool) -> None:
        if not self._ready:
            return
        label = self.query_one("#strip-complete", Label)
        show(label, plain_line("✔ COMPLETE" if complete else ""))
        label.display = complete
