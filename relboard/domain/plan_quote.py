"""A plan's keys and values quoted back the way the engineer wrote them in TOML, for messages.

Kept apart from plan_messages (which explains pydantic's errors) so that checking a valid plan
never loads the error-explaining code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SHOW_LIMIT = 60


def is_bare_key(key: str) -> bool:
    """A key TOML accepts without quotes."""
    return _BARE_KEY.match(key) is not None


def format_path(loc: Iterable[str | int]) -> str:
    """("steps", 3, "phase") -> "steps[3].phase"; keys that are not bare words are quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if is_bare_key(part) else show(part)
        out += f".{key}" if out else key
    return out


def show(value: Any) -> str:
    """A value as the user wrote it in TOML, short, with control characters made visible."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= _SHOW_LIMIT else value[: _SHOW_LIMIT - 1] + "…"
        text = text.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + _UNPRINTABLE.sub(lambda m: _escape_char(m.group()), text) + '"'
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "an array"
    text = str(value)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"


def _escape_char(ch: str) -> str:
    known = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return known.get(ch) or f"\\u{ord(ch):04X}"
