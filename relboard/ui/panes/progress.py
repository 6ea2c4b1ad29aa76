"""The checklist's progress: settled steps per phase and overall, a count over a bar, in one widget.

One widget rather than a label and a ProgressBar per column: the board restyles and lays out every
widget it has at start-up and on a resize, and these twelve columns were a third of them.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from relboard.domain import progress
from relboard.domain.plan import Phase
from relboard.domain.state import WindowState
from relboard.ui.text import plain_line

COLUMNS = [phase.value for phase in Phase] + ["overall"]
GAP = 1


def counts(state: WindowState) -> tuple[tuple[str, int, int], ...]:
    """(name, settled, total) per phase, then overall; a phase without steps shows 0/0."""
    shown = {p.label: p for p in progress.by_phase(state)}
    shown["overall"] = progress.overall(state)
    return tuple((name, shown[name].done, shown[name].total) if name in shown else (name, 0, 0) for name in COLUMNS)


def bar(done: int, total: int, width: int) -> Content:
    filled = round(width * done / total) if total else 0
    style = "$success" if total and done == total else "$primary"
    return Content.assemble(("━" * filled, style), ("━" * (width - filled), "$surface-lighten-2"))


class ProgressStrip(Widget):
    DEFAULT_CSS = """
    ProgressStrip {
        height: 2;
    }
    """

    def __init__(self, state: WindowState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.shown = counts(state)

    def update_counts(self) -> None:
        """Recount; repaint (never a layout: the strip's size does not depend on the numbers) if they changed."""
        fresh = counts(self.state)
        if fresh != self.shown:
            self.shown = fresh
            self.refresh()

    def render(self) -> Content:
        width = self.size.width
        column = max(1, (width - GAP * (len(self.shown) - 1)) // len(self.shown))
        gap = " " * GAP
        labels = Content(gap).join(
            plain_line(f"{done}/{total} {name}", "$text-muted").truncate(column, ellipsis=True, pad=True)
            for name, done, total in self.shown
        )
        bars = Content(gap).join(bar(done, total, column) for _, done, total in self.shown)
        return Content("\n").join([labels, bars])
