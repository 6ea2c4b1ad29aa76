"""The user's keymap file: binding id -> key, checked against the board's ids, for App.set_keymap.

keymap.toml looks like:

    [keys]
    mark-pass = "P"
    quit = "ctrl+q"
    help = "f1,question_mark"   # several keys, comma separated

Bad entries are left out and reported one line each (FILE[:LINE[:COL]]: message); a broken file
gives an empty keymap and one warning. Nothing here raises: a typo in a keymap must not keep
the board from starting in the middle of a window.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from relboard.store import paths
from relboard.store.preferences import ConfigFileError, read_config_toml

_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAME = re.compile(r"[A-Za-z0-9_]+")


def load_keymap(known: Collection[str], path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The keymap for App.set_keymap and warnings for the app to notify(markup=False).

    `known` are the binding ids the board has (the action table's).

    A missing file is an empty keymap with no warning. Unknown binding ids are warned about
    (most likely a typo) but still passed on: a later version of the board may know them.
    """
    path = path or paths.keymap_file()
    if not path.exists():
        return {}, []
    try:
        data, lines = read_config_toml(path)
    except ConfigFileError as error:
        return {}, [str(error)]

    warnings: list[str] = []
    for key in data:
        if key != "keys":
            where = _where(path, lines, key)
            warnings.append(f"{where}: unknown setting {key!r}; key bindings go in a [keys] table")
    table = data.get("keys", {})
    if not isinstance(table, dict):
        return {}, [*warnings, f"{_where(path, lines, 'keys')}: 'keys' must be a table ([keys])"]

    keymap: dict[str, str] = {}
    owners: dict[str, str] = {}
    for binding_id, value in table.items():
        where = _where(path, lines, binding_id)
        problem = _value_problem(value)
        if problem is not None:
            warnings.append(f"{where}: {binding_id!r}: {problem}; entry ignored")
            continue
        if binding_id not in known:
            warnings.append(f"{where}: unknown binding {binding_id!r} (known: {', '.join(sorted(known))})")
        keys = [key.strip() for key in value.split(",")]
        for key in keys:
            if key in owners and owners[key] != binding_id:
                warnings.append(f"{where}: key {key!r} is given to both {owners[key]!r} and {binding_id!r}")
            owners.setdefault(key, binding_id)
        keymap[binding_id] = ",".join(keys)
    return keymap, warnings


def _value_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f'must be a key string like "P" or "ctrl+q", not {type(value).__name__} {value!r}'
    parts = [part.strip() for part in value.split(",")]
    if not all(parts):
        return f"{value!r} has an empty key (keys are separated by commas)"
    for part in parts:
        if problem := _key_problem(part):
            return problem
    return None


def _key_problem(key: str) -> str | None:
    # A single character stands for itself ("P", "?"); Textual turns it into its key name.
    if len(key) == 1:
        return None if key.isprintable() and not key.isspace() else f"{key!r} is not a key"
    *modifiers, name = key.split("+")
    unknown = [m for m in modifiers if m not in _MODIFIERS]
    if unknown:
        return f"{key!r}: unknown modifier {unknown[0]!r} (use {', '.join(sorted(_MODIFIERS))})"
    if len(name) == 1:
        return None if name.isprintable() and not name.isspace() else f"{key!r} is not a key"
    if not _KEY_NAME.fullmatch(name):
        return f"{key!r} is not a key name (like ctrl+q, f1, escape, question_mark)"
    return None


def _where(path: Path, lines: list[str], key: str) -> str:
    """FILE:LINE where `key` is assigned or its table opens, or just FILE if it cannot be found.

    tomllib gives no positions for values it accepted; a plain search is good enough to point
    an editor at the right line.
    """
    quoted = re.escape(key)
    entry = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
    table = re.compile(rf"""^\s*\[\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*\]""")
    for number, line in enumerate(lines, start=1):
        if entry.match(line) or table.match(line):
            return f"{path}:{number}"
    return str(path)
