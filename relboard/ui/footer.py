"""The footer: the keys of the moment, and who is recording (every event the board makes is by them)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from relboard.ui.text import plain_line

# What the footer shows: each shown binding's key, description, whether it is enabled, its tooltip.
Shown = tuple[tuple[str, str, bool, str], ...]


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

    operator: reactive[str] = reactive("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Shown | None = None
        self._recompose_pending = False

    def compose(self) -> ComposeResult:
        self._shown = self._now_shown()
        yield from super().compose()
        label = Static(plain_line(self.operator), classes="-operator")
        label.display = bool(self.operator)
        yield label

    def watch_operator(self, name: str) -> None:
        for label in self.query(".-operator").results(Static):
            label.update(plain_line(name))
            label.display = bool(name)

    def _now_shown(self) -> Shown | None:
        if not self._bindings_ready:
            return None
        return tuple(
            (binding.key, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # The screen signals after every focus move and every refresh_bindings, several times a key press
        # and three times while the board opens; rebuilding some twenty keys each time costs a frame's
        # budget. One rebuild per refresh at most, and none when the keys shown are the same.
        self._bindings_ready = True
        if not self.is_attached or screen is not self.screen:
            return
        # Textual leaves the keys as they were while the terminal (or the browser's tab) has no focus, so a
        # blur does not flicker them. A board first drawn unfocused, as a browser often opens it, still
        # shows its keys once.
        if not screen.app.app_focus and self._shown is not None:
            return
        if not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._recompose_pending = False
        if self._now_shown() != self._shown:
            await self.recompose()
