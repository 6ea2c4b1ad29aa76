"""Yes/no questions about a list the engineer must read first: a plan's commands, a damaged state file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from relboard.ui.screens.form import Confirm
from relboard.ui.text import plain, plain_line


class ConfirmList(Confirm):
    def __init__(self, question: str, intro: str, lines: list[str], footnote: str, yes: str, no: str) -> None:
        super().__init__(question, yes, no)
        self.intro, self.lines, self.footnote = intro, lines, footnote

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog details confirm-list"):
            yield Label(plain_line(self.question), classes="dialog-title")
            yield Label(plain_line(self.intro))
            with VerticalScroll():
                yield Static(plain("\n".join(self.lines)), classes="confirm-lines")
            yield Label(plain_line(self.footnote))
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain_line(f"{self.yes} (y)"), id="discard-yes", variant="error", compact=True)
                yield Button(plain_line(f"{self.no} (n)"), id="discard-no", variant="primary", compact=True)


def approve_commands(lines: list[str]) -> ConfirmList:
    """A plan that runs commands is code: the exact list, shown before anything runs."""
    return ConfirmList(
        "Run these commands from this plan?",
        "Each runs as written (no shell), in its folder, with only the variables named.",
        lines,
        "The approval is recorded, and remembered for this plan until it changes.",
        "Approve and run",
        "Do not run",
    )


def repair_damage(state_file: str, summary: str, damage: list[str]) -> ConfirmList:
    """The damage `relboard state check` would list, and the repair it would make."""
    return ConfirmList(
        "The state file is damaged",
        f"{state_file}: {summary}. The board shows the intact events and records nothing until it is repaired.",
        damage,
        "Repair copies every damaged byte, with its line numbers, to a .damaged-<time>.toml file beside it"
        " (kept), keeps every intact event and records the repair. Not now leaves the file as it is.",
        "Repair now",
        "Not now",
    )
