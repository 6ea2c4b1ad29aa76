"""Indented JSON for `relboard status --json`, encoded and indented by msgspec, in C.

A long window's document holds a hundred thousand events: the standard library indents in Python, a call
per value, and took over a second for it. The text is the one `json.dumps(value, indent=2,
ensure_ascii=False)` writes, but for how a float is spelled (`1e16`, not `1e+16`: the same number to a
parser) and for NaN and infinity, which JSON has no word for: they are written as null, where the standard
library writes text no strict parser reads.
"""

from __future__ import annotations

from typing import Any

import msgspec

_ENCODER = msgspec.json.Encoder()


def dumps_indented(value: Any) -> str:
    """`value` (dicts with text keys, lists, tuples and scalars) as JSON indented by two spaces."""
    return msgspec.json.format(_ENCODER.encode(value), indent=2).decode()
