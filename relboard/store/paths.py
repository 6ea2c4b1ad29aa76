"""Where relboard keeps files of its own: one place, through platformdirs."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "relboard"
# relboard/store/paths.py: the package is two folders up.
_PACKAGE = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    # Installed wheels carry the folder inside the package; a source checkout has it at the top.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def sample_plans_dir() -> Path:
    return _bundled("sample_plans")


def themes_dir() -> Path:
    return _bundled("themes")


def demo_plan() -> Path:
    return sample_plans_dir() / "demo.toml"


def data_dir() -> Path:
    """States of plans whose own folder is not writable (the bundled demo, a read-only share)."""
    return user_data_path(APP, appauthor=False)


def cache_dir() -> Path:
    """Copies relboard can make again (validated plans): deleting it at any time only costs speed."""
    return user_cache_path(APP, appauthor=False)


def plan_cache_dir() -> Path:
    return cache_dir() / "plans"


def config_dir() -> Path:
    """User themes (themes/), keymap.toml and remembered preferences."""
    return user_config_path(APP, appauthor=False)


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def keymap_file() -> Path:
    return config_dir() / "keymap.toml"


def preferences_file() -> Path:
    return config_dir() / "preferences.toml"
