"""The command palette (ctrl+p): every board action by name, from the action table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from relboard.ui.actions import PANE_SCOPES, BoardAction, palette_actions


class BoardCommands(Provider):
    """A pane's action runs in that pane, on its selected row, wherever focus was when ctrl+p was pressed."""

    def _read_only(self) -> bool:
        return bool(getattr(self.app, "read_only", False))

    def _runner(self, action: BoardAction) -> Callable[[], Awaitable[bool]]:
        target: DOMNode = self.app
        if action.scope in PANE_SCOPES:
            target = self.app.query_one(f"#{action.scope}")
        return partial(self.app.run_action, action.action, target)

    async def discover(self) -> Hits:
        for action in palette_actions(self._read_only()):
            yield DiscoveryHit(action.palette, self._runner(action), help=action.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in palette_actions(self._read_only()):
            score = matcher.match(action.palette)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.palette),
                    self._runner(action),
                    text=action.palette,
                    help=action.help,
                )
