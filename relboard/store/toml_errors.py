"""Where tomllib says a TOML text is broken: line, column and the message without its position."""

from __future__ import annotations

import re
import tomllib

_AT_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def decode_error_position(error: tomllib.TOMLDecodeError, text: str) -> tuple[int, int, str]:
    """(line, column, message); Python 3.11 only puts the position in the message text."""
    message = getattr(error, "msg", None) or str(error)
    line, col = getattr(error, "lineno", None), getattr(error, "colno", None)
    if line is None or col is None:
        if found := _AT_POSITION.search(message):
            line, col = int(found.group(1)), int(found.group(2))
        elif _AT_END.search(message):
            line = text.count("\n") + 1
            col = len(text) - (text.rfind("\n") + 1) + 1
        else:
            line, col = 1, 1
    return line, col, _AT_END.sub("", _AT_POSITION.sub("", message))
