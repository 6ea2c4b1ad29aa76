"""A plan that runs commands is code: the exact list, shown before anything runs, to approve or not."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from relboard.ui.screens.form import Confirm
from relboard.ui.text import plain, plain_line


class ApproveCommandsScreen(Confirm):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("Run these commands from this plan?", "Approve and run", "Do not run")
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="approve-box", classes="dialog details"):
            yield Label(plain_line(self.question), classes="dialog-title")
            yield Label(plain_line("Each runs as written (no shell), in its folder, with only the variables named."))
            with VerticalScroll():
                yield Static(plain("\n".join(self.lines)), id="approve-commands")
            yield Label(plain_line("The approval is recorded, and remembered for this plan until it changes."))
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain_line(f"{self.yes} (y)"), id="discard-yes", variant="error", compact=True)
                yield Button(plain_line(f"{self.no} (n)"), id="discard-no", variant="primary", compact=True)
