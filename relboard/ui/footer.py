"""The footer: the keys of the moment, and who is recording (every event the board makes is by them).

One widget drawing one line, where Textual's Footer mounts a widget per key: those start empty and are
composed after the first frames (a layout of the whole screen, and a frame, more when the board opens), and
again whenever the keys change. Here a change of keys is a repaint of this line. It looks and acts as
Textual's footer does: each key in the footer's colours, a disabled key dimmed, the command palette's key on
the right, a click presses the key, hovering shows its help.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget


class Shown(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


class _Placed(NamedTuple):
    start: int
    end: int
    item: Shown


class BoardFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "board-footer--key",
        "board-footer--description",
        "board-footer--hover",
        "board-footer--separator",
    }
    DEFAULT_CSS = """
    BoardFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .board-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .board-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .board-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .board-footer--separator {
            color: $foreground 20%;
        }
    }
    """

    operator: reactive[str] = reactive("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Shown, ...] | None = None
        self._palette: Shown | None = None
        self._placed: list[_Placed] = []
        self._hover: Shown | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Textual leaves the keys as they were while the terminal (or the browser's tab) has no focus, so a
        # blur does not flicker them. A board first drawn unfocused, as a browser often opens it, still
        # shows its keys once.
        if screen is not self.screen or (not screen.app.app_focus and self._shown is not None):
            return
        if self._read() != (self._shown, self._palette):
            self.refresh()  # one line of fixed size: a repaint, never a layout

    def _read(self) -> tuple[tuple[Shown, ...], Shown | None]:
        app = self.app
        active = self.screen.active_bindings
        # One key per action, the first bound, as Textual's footer shows them.
        first: dict[str, Shown] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in first:
                first[binding.action] = Shown(
                    binding.key, app.get_key_display(binding), binding.description, enabled, tooltip
                )
        shown = tuple(first.values())
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = Shown(binding.key, app.get_key_display(binding), binding.description, enabled, tooltip)
        return shown, palette

    def render(self) -> Text:
        self._shown, self._palette = self._read()
        key_style = self.get_component_rich_style("board-footer--key")
        description_style = self.get_component_rich_style("board-footer--description")
        hover_style = self.get_component_rich_style("board-footer--hover")
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._placed = []
        if self.operator:
            # Appended as plain text: an operator's name is data, never markup.
            line.append(f" {self.operator} ", key_style)  # drawn like a key, as the board has always shown it
        palette = self._palette
        tail = self._item_text(palette, key_style, description_style, hover_style, dim) if palette else None
        room = self.size.width - (tail.cell_len + 1 if tail is not None else 0)
        for item in self._shown:
            text = self._item_text(item, key_style, description_style, hover_style, dim)
            start = line.cell_len
            if start >= room:
                break
            line.append_text(text)
            self._placed.append(_Placed(start, min(line.cell_len, room), item))
        line.truncate(max(room, 0), pad=True)
        if palette is not None and tail is not None:
            line.append("▏", self.get_component_rich_style("board-footer--separator"))
            start = line.cell_len
            line.append_text(tail)
            self._placed.append(_Placed(start, line.cell_len, palette))
        return line

    @property
    def keys_drawn(self) -> bool:
        """Whether the line last drawn holds keys."""
        return bool(self._placed)

    def _item_text(self, item: Shown, key: Style, description: Style, hover: Style, dim: Style) -> Text:
        if item is self._palette:
            # The palette's key as Textual's footer writes it: no padding before the key, a space after it.
            text = Text.assemble((item.display, key), (f" {item.description} ", description))
        elif item.description:
            text = Text.assemble((f" {item.display} ", key), (f"{item.description} ", description))
        else:
            text = Text.assemble((item.display, key))
        if item == self._hover:
            text.stylize(hover)
        if not item.enabled:
            text.stylize(dim)
        return text

    def _at(self, x: int) -> Shown | None:
        return next((placed.item for placed in self._placed if placed.start <= x < placed.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._at(event.x)
        if item != self._hover:
            self._hover = item
            self.tooltip = (item.tooltip or item.description) if item is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()
