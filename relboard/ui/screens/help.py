"""Every key the board answers to, as currently bound (a user keymap shows here too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relboard.ui.text import plain_line


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    description: str


LEGEND = "○ pending  ✔ pass  ✖ fail  ↷ skip  ⊘ blocked  ★ critical step  ◐ probe running"


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", id="help-close")
    ]

    def __init__(self, keys: list[KeyHelp]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max((len(k.keys) for k in self.keys), default=8) + 2
        lines = [
            Content.assemble(plain_line(k.keys.ljust(width), "bold $text-accent"), plain_line(k.description))
            for k in self.keys
        ]
        with Vertical(classes="dialog help"):
            yield Label(plain_line("Keys"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Content("\n").join(lines), id="help-keys")
                yield Static(plain_line(LEGEND), id="help-legend")
            yield Label(plain_line("escape closes · ctrl+p finds any action by name"), classes="form-context")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
