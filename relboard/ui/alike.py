"""Containers whose lines under their children are alike, rendered as one strip each.

Textual's compositor cuts each line a widget renders at the edges of every widget over it, and keeps the
pieces with the line, each a Strip with its own caches (about 1.3 KiB). A pane's lines under its children
are all alike (its side borders and padding): given as one strip, they are cut once, not once per line.
On a wide board that is some 300 strips fewer from the first frame on. A container with nothing of its own
to draw (no border, no padding) is `BLANK`: Textual gives one blank strip for all its lines.
"""

from __future__ import annotations

from textual.containers import Container, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def shared_alike(lines: list[Strip]) -> list[Strip]:
    """`lines`, each line equal to the one before it replaced by that one."""
    shared: list[Strip] = []
    previous: Strip | None = None
    for line in lines:
        if previous is not None and line == previous:
            line = previous
        shared.append(line)
        previous = line
    return shared


class AlikeLines(Widget):
    """A widget whose equal consecutive lines are given as one strip."""

    def render_lines(self, crop: Region) -> list[Strip]:
        return shared_alike(super().render_lines(crop))


class DetailScroll(AlikeLines, VerticalScroll):
    """A scrolling detail under a pane's list: a rule on top, then lines alike under its text."""


class BlankContainer(Container):
    BLANK = True
