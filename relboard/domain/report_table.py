"""One tabular section of the post-change report, the same in every format."""

from __future__ import annotations

from msgspec import Struct


class Table(Struct, frozen=True):
    """A tabular section, the same in every format; `empty` replaces the table when it has no rows."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str = ""
    # Every cell is one line already, single-spaced, with no space at either end (`single_spaced` would
    # leave it as it is): a renderer need not check the rows for it (the timeline's hundred thousand).
    single_spaced: bool = False
