"""Every data string reaches a widget through here: cleaned, and as Content, never as markup."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from relboard.domain.text import clean


def plain(text: str, style: str = "") -> Content:
    content = Content(clean(text))
    return content.stylize(style) if style and content else content


def plain_line(text: str, style: str = "") -> Content:
    content = Content(clean(text, single_line=True))
    return content.stylize(style) if style and content else content


def show(widget: Static, content: Content, *, layout: bool = True) -> None:
    """Update only when the text or its styles changed: every update asks for a new layout of the screen.

    `layout=False` is for widgets whose size the stylesheet fixes: their new text needs a repaint only.
    """
    shown = widget.content
    if not (isinstance(shown, Content) and shown.is_same(content)):
        widget.update(content, layout=layout)
