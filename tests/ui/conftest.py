"""Fixtures for the board's tests: a copy of the minimal plan, a state file beside it, a private config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from relboard.window.session import WindowSession
from tests.conftest import MINIMAL


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    target = tmp_path / "window.toml"
    shutil.copy(MINIMAL, target)
    return target


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "window.state.toml"


@pytest.fixture
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keymap, themes and preferences from an empty folder, never the user's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "config"


@pytest.fixture
def session(plan_path: Path, state_path: Path, own_config: Path) -> WindowSession:
    return WindowSession.open(plan_path, state_path)
