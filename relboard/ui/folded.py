"""Items of a few lines each (known issues, rollback criteria) as rows of the line-API list, folded to its width.

An item's rows are counted from its text and made only when one of them is shown, so five thousand items
open in one frame; only an item's first row takes the cursor. Unlike an OptionList, nothing is measured
while it is drawn: the list's height is known before the first layout, and a layout of the screen is
never followed by a frame of its own for the list's scrollbar.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING

from rich._wrap import divide_line
from textual.content import Content

if TYPE_CHECKING:
    from relboard.ui.rowlist import RowList

Piece = tuple[str, str]  # text and style; the text is on one line
Lines = list[list[Piece]]  # an item: its lines, each as styled pieces
# An item to lay out: its id, what its lines depend on (unchanged: its rows are kept), and its lines.
Item = tuple[str, Hashable, Callable[[], Lines]]


def folds(pieces: list[Piece], width: int) -> bool:
    """Whether the line is wider than `width` and `wrapped` folds it. Before the first layout the width is 0
    and nothing folds: one row per line, the count at any width the lines fit in."""
    return width > 8 and sum(len(text) for text, _ in pieces) > width


def row_count(pieces: list[Piece], width: int) -> int:
    """How many rows `wrapped` makes of the line, without making them: the line breaks Content.wrap takes,
    from the function it takes them from (5,000 known issues are counted as the board opens; making their
    rows to count them was most of that). A property test holds the two equal."""
    if not folds(pieces, width):
        return 1
    return len(divide_line("".join(text for text, _ in pieces), width - 4, fold=True)) + 1


def wrapped(pieces: list[Piece], width: int) -> list[Content]:
    """The line folded to `width`, the continuation indented under its label."""
    line = Content.assemble(*(piece for piece in pieces if piece[0]))
    if not folds(pieces, width):
        return [line]
    first, *rest = line.wrap(width - 4)
    return [first, *(Content("    ") + part for part in rest)]


class _ItemRows:
    __slots__ = ("count", "key", "lines", "rows")

    def __init__(self, key: Hashable, lines: Lines, width: int) -> None:
        self.key = key
        self.lines = lines
        self.rows: list[Content] | None = None
        self.count = sum(row_count(line, width) for line in lines)

    def make(self, width: int) -> list[Content]:
        if self.rows is None:
            self.rows = [row for line in self.lines for row in wrapped(line, width)]
        return self.rows


class FoldedItems:
    """The rows of a list of items at one width."""

    def __init__(self) -> None:
        self.width = 0
        self.ids: list[str] = []  # the items in the order listed
        self._starts: list[int] = []  # the row of each one's first line
        self._rows: dict[str, _ItemRows] = {}

    def fill(self, items: Iterable[Item], width: int) -> int:
        """Lays `items` out at `width` and gives the number of rows."""
        made, kept = self._rows, {}
        ids: list[str] = []
        starts: list[int] = []
        count = 0
        for item_id, depends_on, lines in items:
            entry = made.get(item_id)
            if entry is None or entry.key != depends_on:
                entry = _ItemRows(depends_on, lines(), width)
            elif width != self.width:
                # Folded again to the new width from the lines it already has.
                entry = _ItemRows(depends_on, entry.lines, width)
            kept[item_id] = entry
            ids.append(item_id)
            starts.append(count)
            count += entry.count
        self.width, self.ids, self._starts, self._rows = width, ids, starts, kept
        return count

    def show(self, rows: RowList, items: Iterable[Item]) -> None:
        """Lays `items` out at the width of `rows` and lists them there; the cursor stays on its item."""
        keep = self.item_on(rows.cursor)
        rows.set_rows(self.fill(items, rows.scrollable_content_region.width) or 1)  # an empty list: one row says so
        start = self.first_row(keep) if keep is not None else None
        if start is not None:
            rows.move_cursor(start)

    def refolds(self, rows: RowList) -> bool:
        """Whether `rows` is not as wide as the items were folded to."""
        return rows.scrollable_content_region.width != self.width

    def at(self, row: int) -> tuple[str, int]:
        """The item that row `row` belongs to, and the row's place among that item's rows."""
        number = bisect_right(self._starts, row) - 1
        return self.ids[number], row - self._starts[number]

    def row(self, row: int) -> Content:
        item_id, offset = self.at(row)
        return self._rows[item_id].make(self.width)[offset]

    def is_first(self, row: int) -> bool:
        return bool(self.ids) and self.at(row)[1] == 0

    def first_row(self, item_id: str) -> int | None:
        """Where the item starts, if it is listed."""
        if item_id not in self._rows:
            return None
        return self._starts[self.ids.index(item_id)]

    def item_on(self, row: int | None) -> str | None:
        """The item whose first row `row` is (the cursor rests only there)."""
        if row is None or not self.ids:
            return None
        item_id, offset = self.at(row)
        return item_id if offset == 0 else None
