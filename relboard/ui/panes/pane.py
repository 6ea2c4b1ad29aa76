"""What the board's four panes have in common."""

from __future__ import annotations

from textual.containers import Vertical


class Pane(Vertical):
    """One of the board's panes: the App switches between them and focuses each one's main control."""

    def focus_primary(self) -> None:
        """Focus the control a key press in this pane should reach first."""
        raise NotImplementedError
