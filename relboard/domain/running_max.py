"""The largest of a list of numbers that change a few at a time, found without reading the whole list."""

from __future__ import annotations

import heapq


class RunningMax:
    """`max(values)` for a list whose items change only through `set`.

    Each change is pushed on a heap; an entry that no longer matches its item is dropped when it reaches the
    top. A forecast asks for the longest remaining path after every event, and a 50,000-step plan made that
    a scan of 50,000 numbers each time."""

    def __init__(self, values: list[float]) -> None:
        self.values = values
        self._heap = [(-value, index) for index, value in enumerate(values)]
        heapq.heapify(self._heap)

    def set(self, index: int, value: float) -> None:
        self.values[index] = value
        heapq.heappush(self._heap, (-value, index))
        if len(self._heap) > 4 * len(self.values) + 64:
            # Mostly stale entries by now: start again from the values as they are.
            self._heap = [(-v, i) for i, v in enumerate(self.values)]
            heapq.heapify(self._heap)

    def max(self, default: float) -> float:
        heap, values = self._heap, self.values
        while heap and -heap[0][0] != values[heap[0][1]]:
            heapq.heappop(heap)
        return -heap[0][0] if heap else default
