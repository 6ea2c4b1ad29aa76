"""The largest of a list of numbers that change a few at a time, found without reading the whole list."""

from __future__ import annotations

from array import array
from collections.abc import Iterable


class RunningMax:
    """`max(values)` for a list whose items change only through `set`.

    The numbers sit in blocks, each with its largest kept: a change rereads at most its own block, and the
    maximum is the largest of the blocks. A forecast asks for the longest remaining path after every event,
    and a 50,000-step plan made that a scan of 50,000 numbers each time. The values are unboxed doubles: a
    forecast keeps two of these, one number per step, for as long as the board is open."""

    __slots__ = ("_block", "_blocks", "values")

    def __init__(self, values: Iterable[float], block: int = 64) -> None:
        self.values = array("d", values)
        self._block = block
        kept = self.values
        self._blocks = array("d", [max(kept[start : start + block]) for start in range(0, len(kept), block)])

    def set(self, index: int, value: float) -> None:
        values, blocks = self.values, self._blocks
        was = values[index]
        values[index] = value
        block = index // self._block
        if value >= blocks[block]:
            blocks[block] = value
        elif was == blocks[block]:
            # The block's largest went down: it may now be another of its values.
            start = block * self._block
            blocks[block] = max(values[start : start + self._block])

    def max(self, default: float) -> float:
        return max(self._blocks) if self._blocks else default
