"""Every data string reaches a widget through here: cleaned, and as Content, never as markup."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from relboard.domain.text import clean


def plain(text: str, style: str = "") -> Content:
    content = Content(clean(text))
    return content.stylize(style) if style and content else content


def plain_line(text: str, style: str = "") -> Content:
    content = Content(line_text(text))
    return content.stylize(style) if style and content else content


def line_text(text: str) -> str:
    """Data cleaned to one line, for a piece of Content assembled elsewhere (a folded list's lines)."""
    return clean(text, single_line=True)


def show(widget: Static, content: Content, *, layout: bool = True) -> None:
    """Update only when the text or its styles changed, and lay the screen out again only when the new text
    takes another number of lines than the widget has (a text that changes every second, such as a
    countdown, then costs a repaint, not a layout of the whole screen).

    `layout=False` is for widgets whose size the stylesheet fixes: their new text needs a repaint only.
    """
    shown = widget.content
    if isinstance(shown, Content) and shown.is_same(content):
        return
    widget.update(content, layout=layout and not _fills_the_same_lines(widget, content))


def _fills_the_same_lines(widget: Static, content: Content) -> bool:
    width = widget.styles.width
    if width is not None and width.is_auto:
        return False  # the widget's width follows its text
    region = widget.content_region
    if region.width <= 0 or region.height <= 0:
        return False  # not laid out yet
    return len(content.wrap(region.width)) == region.height
