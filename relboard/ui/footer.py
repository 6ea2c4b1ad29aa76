"""The footer: the keys of the moment, and who is recording (every event the board makes is by them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widgets import Footer, Static

from relboard.ui.text import plain_line


class BoardFooter(Footer):
    DEFAULT_CSS = """
    BoardFooter .-operator {
        dock: left;
        width: auto;
        padding: 0 1;
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    """

    operator: reactive[str] = reactive("", recompose=True)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        if self.operator:
            yield Static(plain_line(self.operator), classes="-operator")
