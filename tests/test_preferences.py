"""The remembered theme: saved atomically, read back, never fatal when the file is bad."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from relboard.store import paths
from relboard.store.preferences import load_theme_choice, save_theme_choice


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    assert paths.preferences_file() == home / "relboard" / "preferences.toml"
    return home


def test_nothing_remembered_before_the_first_save() -> None:
    assert load_theme_choice() is None


def test_theme_choice_round_trips_through_the_file() -> None:
    assert save_theme_choice("relboard-high-contrast") is True
    assert load_theme_choice() == "relboard-high-contrast"
    with paths.preferences_file().open("rb") as handle:
        assert tomllib.load(handle) == {"theme": "relboard-high-contrast"}
    assert save_theme_choice("relboard-light") is True
    assert load_theme_choice() == "relboard-light"


def test_save_leaves_no_temporary_files_behind() -> None:
    save_theme_choice("relboard-dark")
    save_theme_choice("relboard-light")
    assert [p.name for p in paths.config_dir().iterdir()] == ["preferences.toml"]


def test_other_remembered_settings_are_kept() -> None:
    file = paths.preferences_file()
    file.parent.mkdir(parents=True)
    file.write_text('theme = "old"\nlast_plan = "plans/db.toml"\n', encoding="utf-8")
    assert save_theme_choice("new") is True
    with file.open("rb") as handle:
        assert tomllib.load(handle) == {"theme": "new", "last_plan": "plans/db.toml"}


@pytest.mark.parametrize(
    "content",
    [b'theme = "unterminated\n', b"theme = 3\n", b'theme = ""\n', b"\xff\xfe", b"[theme]\nx = 1\n"],
)
def test_broken_file_means_nothing_remembered_and_is_replaced_on_save(content: bytes) -> None:
    file = paths.preferences_file()
    file.parent.mkdir(parents=True)
    file.write_bytes(content)
    assert load_theme_choice() is None
    assert save_theme_choice("relboard-light") is True
    assert load_theme_choice() == "relboard-light"


def test_unwritable_config_folder_returns_false_without_raising(config_home: Path) -> None:
    # A plain file where the config folder should be: no folder can be made, even as root.
    config_home.mkdir()
    (config_home / "relboard").write_text("not a folder", encoding="utf-8")
    assert save_theme_choice("relboard-dark") is False
    assert load_theme_choice() is None
    assert (config_home / "relboard").read_text(encoding="utf-8") == "not a folder"


def test_explicit_path_is_used_instead_of_the_config_folder(tmp_path: Path) -> None:
    file = tmp_path / "elsewhere" / "prefs.toml"
    assert save_theme_choice("relboard-light", file) is True
    assert load_theme_choice(file) == "relboard-light"
    assert not paths.preferences_file().exists()


def test_the_operator_name_round_trips_and_keeps_the_theme() -> None:
    from relboard.store.preferences import load_operator_name, save_operator_name

    assert load_operator_name() is None
    save_theme_choice("relboard-light")
    assert save_operator_name("  Sam \x1b[31mLindqvist\n ") is True
    assert load_operator_name() == "Sam Lindqvist"
    with paths.preferences_file().open("rb") as handle:
        assert tomllib.load(handle) == {"theme": "relboard-light", "operator": "Sam Lindqvist"}


def test_an_empty_or_unusable_operator_name_is_not_remembered() -> None:
    from relboard.store.preferences import load_operator_name, save_operator_name

    assert save_operator_name(" \t\x07 ") is False
    assert not paths.preferences_file().exists()
    paths.config_dir().mkdir(parents=True)
    paths.preferences_file().write_text('operator = 42\ntheme = "relboard-dark"\n', encoding="utf-8")
    assert load_operator_name() is None
    paths.preferences_file().write_text("operator = [broken\n", encoding="utf-8")
    assert load_operator_name() is None
