"""One tabular section of the post-change report, the same in every format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A tabular section, the same in every format; `empty` replaces the table when it has no rows."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str = ""
