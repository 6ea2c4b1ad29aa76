"""Every data string reaches a widget through here: cleaned, and as Content, never as markup."""

from __future__ import annotations

from textual.content import Content

from relboard.domain.text import clean


def plain(text: str, style: str = "") -> Content:
    content = Content(clean(text))
    return content.stylize(style) if style and content else content


def plain_line(text: str, style: str = "") -> Content:
    content = Content(clean(text, single_line=True))
    return content.stylize(style) if style and content else content
