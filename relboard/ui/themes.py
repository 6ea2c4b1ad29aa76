"""Theme files (themes/*.toml) checked and turned into Textual themes.

Textual's Theme() accepts any string as a colour and only fails when the theme is applied,
in the middle of a CSS refresh. So every value is checked here first, and a file with any
problem is reported (one line, FILE[:LINE:COL]: message) and skipped, never registered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from relboard.store import paths
from relboard.store.preferences import ConfigFileError, read_config_toml

DEFAULT_THEME = "relboard-dark"

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
THEME_FILE_KEYS = ("name", *COLOUR_KEYS, "dark", "luminosity_spread", "text_alpha", "ansi", "variables")

# The name becomes the CSS class "-theme-NAME" on the app, so it must be a CSS identifier.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_PERCENT = re.compile(r"\d+(\.\d+)?%")
# Values Textual itself uses for colour variables besides real colours ("auto 87%", "initial").
_COLOUR_WORDS = {"auto", "initial"}


class ThemeFileError(ConfigFileError):
    """A theme file that cannot be used; str() is `FILE[:LINE:COL]: message`."""


def read_theme_file(path: Path) -> Theme:
    """The Theme described by the file at `path`, or ThemeFileError saying everything wrong."""
    try:
        data, _lines = read_config_toml(path)
    except ConfigFileError as error:
        raise ThemeFileError(path, error.message, error.line, error.column) from None
    problems = _problems(data)
    if problems:
        raise ThemeFileError(path, "; ".join(problems))
    theme = Theme(**data)
    try:
        # The same step Textual runs when the theme is applied: if it fails, fail now instead.
        theme.to_color_system().generate()
    except Exception as error:  # noqa: BLE001 - any failure here means the file is unusable
        raise ThemeFileError(path, f"colours do not make a theme: {error}") from None
    return theme


def discover_themes(folders: Iterable[Path]) -> tuple[list[Theme], list[str]]:
    """Every usable theme in `folders` (*.toml, in name order) and one warning line per bad file.

    A theme in a later folder replaces one of the same name from an earlier folder, which is how
    a user's theme folder overrides a bundled theme. A missing folder is not a problem.
    """
    found: dict[str, Theme] = {}
    warnings: list[str] = []
    for folder in folders:
        if not folder.exists():
            continue
        try:
            files = sorted(p for p in folder.glob("*.toml") if p.is_file())
        except OSError as error:
            warnings.append(f"{folder}: cannot list the theme folder: {error.strerror or error}")
            continue
        seen_here: dict[str, Path] = {}
        for path in files:
            try:
                theme = read_theme_file(path)
            except ThemeFileError as error:
                warnings.append(str(error))
                continue
            if theme.name in seen_here:
                warnings.append(
                    f"{path}: theme {theme.name!r} is also defined in {seen_here[theme.name].name}; this file wins"
                )
            seen_here[theme.name] = path
            found[theme.name] = theme
    return list(found.values()), warnings


def load_themes(app: App[Any]) -> list[str]:
    """Register the bundled themes, then the user's (which may replace them); return warnings.

    The warnings name files and quote their contents, so show them with notify(markup=False).
    """
    themes, warnings = discover_themes([paths.themes_dir(), paths.user_themes_dir()])
    for theme in themes:
        app.register_theme(theme)
    return warnings


def choose_theme(available: Iterable[str], requested: str | None, remembered: str | None) -> tuple[str, str | None]:
    """The theme to start with and, if the requested one is unknown, a warning saying so.

    `--theme NAME` wins over the remembered choice, which wins over DEFAULT_THEME. A remembered
    theme that has gone (a deleted user file) falls back quietly; a mistyped --theme does not.
    """
    names = set(available)
    warning = None
    if requested is not None:
        if requested in names:
            return requested, None
        warning = f"Unknown theme {requested!r}; themes: {', '.join(sorted(names))}"
    if remembered is not None and remembered in names:
        return remembered, warning
    fallback = DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark"
    return fallback, warning


def _problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    unknown = [key for key in data if key not in THEME_FILE_KEYS]
    if unknown:
        problems.append(
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            f" (known: {', '.join(THEME_FILE_KEYS)})"
        )

    name = data.get("name")
    if name is None:
        problems.append("missing 'name'")
    elif not isinstance(name, str):
        problems.append(f"'name' must be a string, not {_shown(name)}")
    elif not _NAME.fullmatch(name):
        problems.append(f"'name' must be letters, digits, '-' or '_' and not start with a digit, not {name!r}")

    if "primary" not in data:
        problems.append("missing 'primary'")
    for key in COLOUR_KEYS:
        if key in data:
            value = data[key]
            if not isinstance(value, str):
                problems.append(f"{key!r} must be a colour string, not {_shown(value)}")
            elif (error := _colour_error(value)) is not None:
                problems.append(f"{key!r}: {error}")

    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            problems.append(f"{key!r} must be true or false, not {_shown(data[key])}")

    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"{key!r} must be a number from 0 to 1, not {_shown(value)}")
            elif not 0 <= value <= 1:
                problems.append(f"{key!r} must be from 0 to 1, not {value}")

    if "variables" in data:
        variables = data["variables"]
        if not isinstance(variables, dict):
            problems.append(f"'variables' must be a table, not {_shown(variables)}")
        else:
            problems.extend(_variable_problems(variables))
    return problems


def _variable_problems(variables: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name, value in variables.items():
        label = f"variables.{name}"
        if not _VARIABLE_NAME.fullmatch(name):
            problems.append(f"{label!r}: not a CSS variable name")
        elif not isinstance(value, str):
            problems.append(f"{label!r} must be a string, not {_shown(value)}")
        elif "style" in name.split("-"):
            bad = [word for word in value.split() if word not in VALID_STYLE_FLAGS]
            if bad or not value.split():
                problems.append(
                    f"{label!r}: {value!r} is not a text style (use words from: {', '.join(sorted(VALID_STYLE_FLAGS))})"
                )
        elif (error := _variable_colour_error(value)) is not None:
            problems.append(f"{label!r}: {error}")
    return problems


def _colour_error(value: str) -> str | None:
    try:
        Color.parse(value)
    except ColorParseError as error:
        hint = f" (did you mean {error.suggested_color!r}?)" if error.suggested_color else ""
        return f"{value!r} is not a colour{hint}"
    return None


def _variable_colour_error(value: str) -> str | None:
    # Textual CSS accepts "COLOUR" or "COLOUR NN%" (an alpha) for colour variables.
    words = value.split()
    if (len(words) == 2 and _PERCENT.fullmatch(words[1]) and float(words[1][:-1]) <= 100) or len(words) == 1:
        colour = words[0]
    else:
        return f"{value!r} is not a colour (a colour, optionally followed by an alpha: 50%)"
    if colour in _COLOUR_WORDS:
        return None
    return _colour_error(colour) and f"{value!r} is not a colour"


def _shown(value: Any) -> str:
    kind = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
    text = repr(value)
    return f"{kind} ({text if len(text) <= 40 else text[:37] + '...'})"
