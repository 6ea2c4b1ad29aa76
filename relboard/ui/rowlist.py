"""A focusable list of one-line rows drawn through Textual's line API.

The checklist holds thousands of steps and the timeline a hundred thousand events, and a key press must
repaint in one frame. OptionList measures every option when one changes; here every row is one line, so
the list never measures anything: a changed row repaints that line alone, and only rows on screen are
ever turned into text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from relboard.ui.actions import bindings

RowContent = Callable[[int], Content]
RowSelectable = Callable[[int], bool]


class RowList(ScrollView, can_focus=True):
    """Rows 0..count-1; `content(row)` gives a row's text, `selectable(row)` whether the cursor may rest there."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-list--row", "row-list--cursor"}

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: transparent;
        & > .row-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .row-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class _RowMessage(Message):
        def __init__(self, rows: RowList, row: int | None) -> None:
            super().__init__()
            self.rows = rows
            self.row = row

        @property
        def control(self) -> RowList:
            return self.rows

    class Highlighted(_RowMessage):
        """The cursor moved to `row` (None: the list has no row it may rest on)."""

    class Selected(_RowMessage):
        """Enter, or a double click, on `row`."""

    def __init__(
        self,
        content: RowContent,
        count: int = 0,
        *,
        selectable: RowSelectable | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._content = content
        self._selectable = selectable or (lambda row: True)
        self.count = count
        # The row the cursor is on; moved only through _move_to, which repaints the two lines concerned.
        self.cursor: int | None = None
        # Rows once turned into text, so scrolling back and forth does not rebuild them.
        self._made: LRUCache[int, Content] = LRUCache(1024)
        self._laid_out: tuple[Size, Size, Size, Size] | None = None

    # --- the rows ------------------------------------------------------------------------------

    def set_rows(self, count: int) -> None:
        """Replace every row; the cursor goes to the first row it may rest on."""
        self.count = count
        self._made.clear()
        self._update_virtual_size()
        self.refresh()
        self._move_to(self._nearest(0, 1), force=True)

    def refresh_rows(self, rows: Iterable[int]) -> None:
        """These rows changed: each is made again when next shown, and only the lines on screen are repainted
        (the forecast's first reading changes every step of a 50,000-step plan at once)."""
        top = self.scroll_offset.y
        bottom = min(self.count, top + self.scrollable_content_region.height)
        for row in rows:
            self._made.discard(row)
            if top <= row < bottom:
                self.refresh_line(row)

    def row_content(self, row: int) -> Content:
        made = self._made.get(row)
        if made is None:
            made = self._content(row)
            self._made[row] = made
        return made

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(0, self.count)
        if self._keeps_scrollbar():
            # The count is the list's own: its scrollbar learns it now, and is drawn with the next frame.
            # Learnt in the layout that places the new count, it would be drawn in a frame of its own after.
            self.vertical_scrollbar.window_virtual_size = self.count
            self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _keeps_scrollbar(self) -> bool:
        return self.styles.overflow_y == "scroll" and self.show_vertical_scrollbar

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Every layout of the screen passes each widget its geometry again. A ScrollView takes any call as
        # a change (the compositor's virtual size is never its own) and refreshes its scrollbars, and the
        # screen then repaints a box spanning every list on it: a key in the lookup redrew the checklist.
        # Unchanged geometry changes nothing; nor does a new count alone, once its kept scrollbar has it.
        laid_out = (size, virtual_size, container_size, self.virtual_size)
        if laid_out == self._laid_out:
            return False
        rows_only = self._laid_out is not None and laid_out[:3] == self._laid_out[:3]
        self._laid_out = laid_out
        if rows_only and self._keeps_scrollbar():
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def on_mount(self) -> None:
        self._update_virtual_size()
        if self.cursor is None and self.count:
            self._move_to(self._nearest(0, 1), force=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        if not 0 <= row < self.count:
            return Strip.blank(width, self.get_visual_style("row-list--row").rich_style)
        content = self.row_content(row)
        if row == self.cursor:
            style = self.get_visual_style("row-list--row", "row-list--cursor")
            # The cursor row in the cursor's own colours: muted or green text on the cursor's background
            # does not read in every theme (yellow in high contrast); the glyphs still say the status.
            content = Content(content.plain)
        else:
            style = self.get_visual_style("row-list--row")
        strips = Visual.to_strips(self, content.truncate(width, ellipsis=True), width, 1, style)
        strip = strips[0] if strips else Strip.blank(width)
        return strip.extend_cell_length(width, style.rich_style).crop(0, width).apply_meta({"row": row})

    # --- the cursor ----------------------------------------------------------------------------

    def _first_selectable(self, row: int, step: int) -> int | None:
        """The first row from `row` on, in direction `step`, the cursor may rest on."""
        while 0 <= row < self.count:
            if self._selectable(row):
                return row
            row += step
        return None

    def _nearest(self, row: int, step: int) -> int | None:
        """As _first_selectable, else the first one the other way."""
        found = self._first_selectable(row, step)
        return found if found is not None else self._first_selectable(row, -step)

    def _move_to(self, row: int | None, *, force: bool = False) -> None:
        previous = self.cursor
        if row == previous and not force:
            return
        self.cursor = row
        for changed in {previous, row}:
            if changed is not None and 0 <= changed < self.count:
                self.refresh_line(changed)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self, row))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (or the nearest row it may rest on) and show it."""
        if self.count:
            self._move_to(self._nearest(max(0, min(row, self.count - 1)), 1))

    def _scroll_cursor_into_view(self) -> None:
        cursor, height = self.cursor, self.scrollable_content_region.height
        if cursor is None or height <= 0:
            return
        top = self.scroll_offset.y
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False, immediate=True)

    def _step(self, start: int, step: int) -> None:
        found = self._first_selectable(start, step)
        if found is not None:
            self._move_to(found)

    def action_cursor_down(self) -> None:
        self._step(0 if self.cursor is None else self.cursor + 1, 1)

    def action_cursor_up(self) -> None:
        self._step(0 if self.cursor is None else self.cursor - 1, -1)

    def action_page_down(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        if self.count:
            target = min(self.count - 1, (self.cursor or 0) + page)
            self._move_to(self._nearest(target, 1))

    def action_page_up(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        if self.count:
            target = max(0, (self.cursor or 0) - page)
            self._move_to(self._nearest(target, -1))

    def action_first(self) -> None:
        if self.count:
            self._move_to(self._nearest(0, 1))

    def action_last(self) -> None:
        if self.count:
            self._move_to(self._nearest(self.count - 1, -1))

    def action_select(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if isinstance(row, int) and 0 <= row < self.count and self._selectable(row):
            self._move_to(row)
            if event.chain >= 2:
                self.action_select()
