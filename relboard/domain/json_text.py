"""Indented JSON, written as `json.dumps(value, indent=2, ensure_ascii=False)` writes it, byte for byte, fast.

The standard library indents in pure Python, a call per value: `relboard status --json` on a window of
100,000 events spent two seconds there. Here every dict or list that holds only plain values (an event,
a step's state, a list of ids) is written by the C encoder in one call, its items separated by a line break
and the indentation of their level; only the nesting above them is walked in Python.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

_PLAIN = frozenset({str, int, float, bool, type(None)})
_SHALLOW = _PLAIN | {list, dict}
_TEXT = frozenset({str})


class Flat(dict[str, Any]):
    """A dict its maker vouches for: text keys, and only scalars or empty lists or dicts as values. It is
    written as a plain dict is, without looking at its values first (a long window's every event is one)."""


def dumps_indented(value: Any, indent: int = 2) -> str:
    """`json.dumps(value, indent=indent, ensure_ascii=False)`."""
    out: list[str] = []
    _write(value, 0, indent, out)
    return "".join(out)


@cache
def _encoder(separator: str) -> json.JSONEncoder:
    # Without `indent` the encoder is the C one; the item separator carries the line break and indentation.
    return json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))


def _write(value: Any, level: int, indent: int, out: list[str]) -> None:
    kind = type(value)
    if kind is Flat:
        kind = dict
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = "\n" + " " * (indent * (level + 1))
        close = "\n" + " " * (indent * level) + "}"
        if _flat(list(value.values())) and _TEXT.issuperset(map(type, value)):
            text = _encoder("," + inner).encode(value)
            out.append("{" + inner + text[1:-1] + close)
            return
        out.append("{")
        separator = inner
        for name, item in value.items():
            head = separator + _string(_key(name)) + ": "
            separator = "," + inner
            if type(item) in _PLAIN:
                out.append(head + _scalar(item))
            else:
                out.append(head)
                _write(item, level + 1, indent, out)
        out.append(close)
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = "\n" + " " * (indent * (level + 1))
        close = "\n" + " " * (indent * level) + "]"
        if _flat(list(value)):
            text = _encoder("," + inner).encode(list(value))
            out.append("[" + inner + text[1:-1] + close)
            return
        out.append("[")
        separator = inner
        run: list[dict[str, Any]] = []
        for item in value:
            if (type(item) is Flat and item) or (
                type(item) is dict and item and _flat(list(item.values())) and _TEXT.issuperset(map(type, item))
            ):
                run.append(item)
                continue
            if run:
                out.append(separator + _flat_dicts(run, level + 1, indent))
                separator, run = "," + inner, []
            out.append(separator)
            separator = "," + inner
            _write(item, level + 1, indent, out)
        if run:
            out.append(separator + _flat_dicts(run, level + 1, indent))
        out.append(close)
    elif kind in _PLAIN:
        out.append(_scalar(value))
    else:
        # Anything else (a str or int subclass, a dict subclass) as the standard library writes it, re-indented.
        text = json.dumps(value, indent=indent, ensure_ascii=False)
        out.append(text.replace("\n", "\n" + " " * (indent * level)))


def _flat_dicts(items: list[dict[str, Any]], level: int, indent: int) -> str:
    """Consecutive items of a list, each a non-empty dict of plain values, written by one C encoder call.

    Within a dict the items are separated by a line break and the keys' indentation; between two dicts the
    same separator comes between the `}` and the `{`, and that sequence can only ever be there (a JSON string
    holds no raw line break), so a replacement puts the braces on lines of their own."""
    pad = "\n" + " " * (indent * level)
    inner = "\n" + " " * (indent * (level + 1))
    text = _encoder("," + inner).encode(items)[1:-1]
    text = text.replace("}," + inner + "{", pad + "}," + pad + "{" + inner)
    return "{" + inner + text[1:-1] + pad + "}"


def _flat(values: list[Any]) -> bool:
    """Whether every value is written the same on one line as indented: scalars, and empty lists or dicts
    (asked without a Python call per value: an event has a dozen)."""
    kinds = list(map(type, values))
    if _PLAIN.issuperset(kinds):
        return True
    return (
        _SHALLOW.issuperset(kinds)
        and values.count([]) == kinds.count(list)  # every list empty
        and values.count({}) == kinds.count(dict)
    )


_string = json.encoder.encode_basestring  # what the encoder writes text with (ensure_ascii=False)
_INFINITY = float("inf")


def _scalar(value: Any) -> str:
    """A plain value as the encoder writes it."""
    if type(value) is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(name: Any) -> str:
    """A key as json writes it: text, with numbers, booleans and null spelled as in JSON."""
    if isinstance(name, str):
        return name
    if name is True:
        return "true"
    if name is False:
        return "false"
    if name is None:
        return "null"
    if isinstance(name, float):
        return json.dumps(name)
    if isinstance(name, int):
        return int.__repr__(name)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(name).__name__}")
