"""The reference: a minimal Textual app (Header, one Static, Footer), as small as an app gets."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static


class MinimalApp(App[None]):
    # One key that changes what is on screen, for the key-to-frame reference.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("p", "mark", "Mark")]

    def __init__(self) -> None:
        super().__init__()
        self.marks = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello", id="body")
        yield Footer()

    def action_mark(self) -> None:
        self.marks += 1
        self.query_one("#body", Static).update(f"marked {self.marks}")


if __name__ == "__main__":
    MinimalApp().run()
