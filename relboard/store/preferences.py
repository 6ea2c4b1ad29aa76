"""The user's own config files: reading them without ever crashing, and the remembered theme.

preferences.toml holds choices the board makes for the user between runs: `theme`, and `operator`
(the engineer's name, recorded in events instead of the login name).
Reading never raises: a missing, broken or unreadable file just means "nothing remembered".
Writing is atomic (relboard.store.files): a crash mid-write leaves the old file or the new one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from relboard.domain.text import clean
from relboard.store import paths
from relboard.store.files import write_atomically
from relboard.store.toml_errors import decode_error_position


class ConfigFileError(Exception):
    """A config file that cannot be used; str() is one line: `FILE[:LINE:COL]: message`."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.message}"


def read_config_toml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The parsed table and the file's lines (for pointing at an entry), or ConfigFileError.

    tomllib on Python 3.11 only puts the position inside its message; it is pulled out here so
    every broken file is reported the way editors jump to: FILE:LINE:COL: message.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigFileError(path, f"cannot read the file: {error.strerror or error}") from None
    try:
        # utf-8-sig: a byte-order mark left by a Windows editor is not worth refusing the file.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigFileError(path, f"not UTF-8 text (bad byte at offset {error.start})") from None
    lines = text.splitlines()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, message = decode_error_position(error, text)
        raise ConfigFileError(path, message, line, column) from None
    except RecursionError:
        raise ConfigFileError(path, "nested too deeply to read") from None
    return data, lines


def load_preferences(path: Path | None = None) -> dict[str, Any]:
    """Everything remembered, or {} when the file is missing, broken or unreadable."""
    path = path or paths.preferences_file()
    try:
        data, _lines = read_config_toml(path)
    except ConfigFileError:
        return {}
    return data


def load_theme_choice(path: Path | None = None) -> str | None:
    """The theme name saved last time; None when nothing usable is remembered.

    The name is not checked against the registered themes here: the app does that, since a
    user theme may have been removed since it was chosen.
    """
    theme = load_preferences(path).get("theme")
    return theme if isinstance(theme, str) and theme.strip() else None


def save_theme_choice(name: str, path: Path | None = None) -> bool:
    """Remember `name` as the theme; True when written, False when the file could not be written.

    Never raises: losing the remembered theme must not stop the board. Other keys already in
    the file are kept; a broken file is replaced by a good one.
    """
    path = path or paths.preferences_file()
    data = load_preferences(path)
    data["theme"] = name
    return _write_atomically(path, tomli_w.dumps(data))


def _one_name(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    name = " ".join(clean(value, single_line=True).split())
    return name or None


def load_operator_name(path: Path | None = None) -> str | None:
    """The engineer's name remembered by the board; None when none is (or it is not a usable name)."""
    return _one_name(load_preferences(path).get("operator"))


def save_operator_name(name: str, path: Path | None = None) -> bool:
    """Remember `name` as the operator recorded in events; True when written.

    False, and nothing written, when the name is empty once control characters and spaces are
    trimmed, or the file cannot be written. Never raises; other keys in the file are kept.
    """
    cleaned = _one_name(name)
    if cleaned is None:
        return False
    path = path or paths.preferences_file()
    data = load_preferences(path)
    data["operator"] = cleaned
    return _write_atomically(path, tomli_w.dumps(data))


def _write_atomically(path: Path, text: str) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))
    except (OSError, ValueError):
        return False
    return True
