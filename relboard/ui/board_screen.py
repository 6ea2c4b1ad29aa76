"""The board's own screen: four panes side by side when they fit, one at a time under tabs when not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget

from relboard.ui.panes.pane import Pane

if TYPE_CHECKING:
    from textual.widgets import Tabs

PANES = ("checklist", "lookup", "issues", "rollback")
PANE_TITLES = {"checklist": "1 Checklist", "lookup": "2 Lookup", "issues": "3 Known issues", "rollback": "4 Rollback"}
# Below this the four panes do not fit side by side; they become tabs.
WIDE_COLUMNS = 120
TALL_ROWS = 40


def is_narrow(width: int, height: int) -> bool:
    return width < WIDE_COLUMNS or height < TALL_ROWS


class BoardScreen(Screen[None]):
    """The checklist has focus from the first frame (AUTO_FOCUS): focus given on mount instead would
    change the bindings again and have the footer built twice more."""

    AUTO_FOCUS = "#steps"
    # Its panes cover it but for a gap or two: one blank strip for all its lines (see relboard.ui.alike).
    BLANK = True

    active_pane: var[str] = var("checklist", init=False)
    narrow: var[bool] = var(False, init=False)
    tabs: Tabs | None = None

    def make_tabs(self) -> Tabs:
        """The tabs of the narrow layout. Made the first time the board is narrow, not before: a board opened
        wide never shows them, and would import, style and lay them out for nothing."""
        from textual.widgets import Tab, Tabs

        tabs = (Tab(PANE_TITLES[name], id=f"tab-{name}") for name in PANES)
        self.tabs = Tabs(*tabs, active=f"tab-{self.active_pane}", id="pane-tabs", classes="-narrow")
        return self.tabs

    def on_mount(self) -> None:
        self._apply_layout(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        self.narrow = is_narrow(width, height)

    def watch_narrow(self, narrow: bool) -> None:
        if narrow and self.tabs is None:
            self.mount(self.make_tabs(), before="#panes")
        for node in self.query("#panes, #pane-tabs, #strip"):
            node.set_class(narrow, "-narrow")

    def watch_active_pane(self, name: str) -> None:
        for pane_name in PANES:
            self.query_one(f"#{pane_name}").set_class(pane_name == name, "-active")
        if self.tabs is not None and self.tabs.active != f"tab-{name}":
            self.tabs.active = f"tab-{name}"

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tabs is self.tabs and event.tab is not None and event.tab.id:
            name = event.tab.id.removeprefix("tab-")
            if name != self.active_pane:
                self.active_pane = name

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Focus moved by tab or mouse: the pane it landed in becomes the active one.
        node: Widget | None = event.widget
        while node is not None:
            if isinstance(node, Pane) and node.id in PANES:
                if self.active_pane != node.id:
                    self.active_pane = node.id
                return
            node = node.parent if isinstance(node.parent, Widget) else None

    def action_show_pane(self, name: str) -> None:
        if name not in PANES:
            return
        self.active_pane = name
        # In tab mode the pane becomes visible on the next refresh; focus it then.
        self.call_after_refresh(self.query_one(f"#{name}", Pane).focus_primary)
