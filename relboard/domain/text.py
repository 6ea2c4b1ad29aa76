"""Data text is never markup and never terminal control: one cleaner for everything shown."""

from __future__ import annotations

import re

# CSI / OSC / other ESC sequences first, so their parameters do not survive as visible junk.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-_]?"  # any other two-byte escape, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str, *, single_line: bool = False) -> str:
    """Strip escape sequences and control characters (C0 but tab/newline, DEL, C1)."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    if single_line:
        return _LINE_CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    return _CONTROL.sub("", text)


def one_line(text: str, limit: int = 200) -> str:
    """A cleaned single line capped at `limit` characters (probe reasons, webhook errors)."""
    text = clean(text, single_line=True).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
