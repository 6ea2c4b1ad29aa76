"""Every key the board answers to, as currently bound (a user keymap shows here too), by group."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relboard.ui.actions import ACTIONS, bindings
from relboard.ui.text import plain_line

_MOVES = ("cursor-up", "cursor-down", "page-up", "page-down", "first", "last")
LEGEND = "○ pending  ✔ pass  ✖ fail  ↷ skip  ⊘ blocked  ★ critical step  ◐ probe running"


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(self, keymap: dict[str, str], *, read_only: bool = False) -> None:
        super().__init__()
        self.keymap = keymap
        self.read_only = read_only

    def _shown(self, keys: str) -> str:
        return ", ".join(self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(","))

    def _lines(self) -> list[Content]:
        rows: list[tuple[str, str, str]] = []
        moves: dict[str, str] = {}
        for action in ACTIONS:
            if self.read_only and action.writes:
                continue
            keys = self.keymap.get(action.id, action.keys)
            shown = self._shown(keys) if keys else "ctrl+p"
            if action.id in _MOVES:
                moves[action.id] = shown
                continue
            rows.append((action.group, shown, action.help))
        rows[:0] = [
            ("Lists", f"{moves['cursor-up']} / {moves['cursor-down']}", "A row up / down"),
            ("Lists", " ".join(moves[m] for m in _MOVES[2:]), "A page up, down; the first, the last row"),
        ]
        rows.append(("Board", "tab / shift+tab", "Next / previous control"))
        rows.append(("Board", "ctrl+p", "Command palette: every action by name"))
        width = max(len(keys) for _, keys, _ in rows) + 2
        lines: list[Content] = []
        # Moving in a list is what a newcomer needs first; the other groups follow the table's order.
        groups = sorted(dict.fromkeys(group for group, _, _ in rows), key=lambda g: g != "Lists")
        for group in groups:
            lines.append(plain_line(group, "bold underline"))
            lines += [
                Content.assemble(plain_line(keys.ljust(width), "bold $text-accent"), plain_line(text))
                for row_group, keys, text in rows
                if row_group == group
            ]
        return lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(plain_line("Keys"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Content("\n").join(self._lines()), id="help-keys")
                yield Static(plain_line(LEGEND), id="help-legend")
            yield Label(plain_line("escape closes · ctrl+p finds any action by name"), classes="form-context")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
