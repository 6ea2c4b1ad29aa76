"""The command palette (ctrl+p): every board action by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class PaletteAction:
    name: str
    help: str
    action: str


class HasPaletteActions(Protocol):
    def palette_actions(self) -> list[PaletteAction]: ...


class BoardCommands(Provider):
    def _actions(self) -> list[PaletteAction]:
        app = self.app
        return app.palette_actions() if hasattr(app, "palette_actions") else []

    def _runner(self, action: str) -> Callable[[], Awaitable[bool]]:
        return partial(self.app.run_action, action)

    async def discover(self) -> Hits:
        for item in self._actions():
            yield DiscoveryHit(item.name, self._runner(item.action), help=item.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for item in self._actions():
            score = matcher.match(item.name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(item.name), self._runner(item.action), text=item.name, help=item.help
                )
