"""The user's keymap file: rebinding works on a real app; bad entries are reported, never fatal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label

from relboard.store import paths
from relboard.store.keymap import load_keymap
from relboard.ui.actions import KNOWN_BINDING_IDS
from tests.hostile import invalid_toml_corpus


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    assert paths.keymap_file() == home / "relboard" / "keymap.toml"
    return home


def write_keymap(text: str) -> Path:
    path = paths.keymap_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class MarkingApp(App[None]):
    """Two bindings with ids, as the board declares them; the label shows what happened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('pass')", "Pass", id="mark-pass"),
        Binding("f", "mark('fail')", "Fail", id="mark-fail"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("nothing marked", id="status")
        yield Footer()

    def on_mount(self) -> None:
        keymap, self.keymap_warnings = load_keymap(KNOWN_BINDING_IDS)
        self.set_keymap(keymap)

    def action_mark(self, outcome: str) -> None:
        self.query_one("#status", Label).update(f"marked {outcome}")


def status(app: MarkingApp) -> str:
    return str(app.query_one("#status", Label).render())


async def test_rebound_key_runs_the_action_and_the_old_key_no_longer_does() -> None:
    write_keymap('[keys]\nmark-pass = "P"\nmark-fail = "ctrl+x,x"\n')
    app = MarkingApp()
    async with app.run_test() as pilot:
        assert app.keymap_warnings == []
        await pilot.press("p")
        assert status(app) == "nothing marked"
        await pilot.press("P")
        assert status(app) == "marked pass"
        await pilot.press("x")
        assert status(app) == "marked fail"
        await pilot.press("P")
        await pilot.press("ctrl+x")
        assert status(app) == "marked fail"


async def test_footer_shows_the_users_key() -> None:
    write_keymap('[keys]\nmark-pass = "ctrl+y"\n')
    app = MarkingApp()
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        assert "^y" in app.export_screenshot()


async def test_broken_keymap_file_keeps_the_default_keys_and_says_where() -> None:
    path = write_keymap('[keys]\nmark-pass = "P\n')
    app = MarkingApp()
    async with app.run_test() as pilot:
        assert len(app.keymap_warnings) == 1
        assert re.fullmatch(rf"{re.escape(str(path))}:2:\d+: .+", app.keymap_warnings[0])
        await pilot.press("p")
        assert status(app) == "marked pass"


def test_missing_file_is_an_empty_keymap_without_warnings() -> None:
    assert load_keymap(KNOWN_BINDING_IDS) == ({}, [])


def test_bad_entries_are_dropped_with_their_line_and_good_ones_kept() -> None:
    path = write_keymap(
        "[keys]\n"
        'mark-pass = "P"\n'
        "mark-fail = 3\n"
        'mark-skip = ["s"]\n'
        'quit = "hyperactive+q"\n'
        'help = "f1,,"\n'
        'pane-1 = "ctrl+1"\n'
    )
    keymap, warnings = load_keymap(KNOWN_BINDING_IDS)
    assert keymap == {"mark-pass": "P", "pane-1": "ctrl+1"}
    assert len(warnings) == 4
    assert warnings[0].startswith(f"{path}:3: 'mark-fail': must be a key string")
    assert warnings[1].startswith(f"{path}:4: 'mark-skip'")
    assert warnings[2].startswith(f"{path}:5: 'quit'")
    assert "unknown modifier 'hyperactive'" in warnings[2]
    assert warnings[3].startswith(f"{path}:6: 'help'")
    assert "empty key" in warnings[3]


def test_unknown_binding_id_is_warned_about_but_passed_on() -> None:
    path = write_keymap('[keys]\n"mark-passs" = "P"\n')
    keymap, warnings = load_keymap(KNOWN_BINDING_IDS)
    assert keymap == {"mark-passs": "P"}
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}:2: unknown binding 'mark-passs'")
    assert "mark-pass" in warnings[0]


def test_keys_must_be_a_table_and_other_settings_are_reported() -> None:
    path = write_keymap('keys = "P"\nquit = "q"\n')
    keymap, warnings = load_keymap(KNOWN_BINDING_IDS)
    assert keymap == {}
    assert f"{path}:2: unknown setting 'quit'" in warnings[0]
    assert warnings[1] == f"{path}:1: 'keys' must be a table ([keys])"


def test_one_key_given_to_two_bindings_is_reported() -> None:
    write_keymap('[keys]\nmark-pass = "x"\nmark-fail = "x"\n')
    keymap, warnings = load_keymap(KNOWN_BINDING_IDS)
    assert keymap == {"mark-pass": "x", "mark-fail": "x"}
    assert len(warnings) == 1
    assert "'x' is given to both 'mark-pass' and 'mark-fail'" in warnings[0]


def test_every_invalid_toml_file_is_one_warning_with_a_position(tmp_path: Path) -> None:
    corpus = invalid_toml_corpus()
    assert len(corpus) > 100
    for name, data in corpus:
        path = tmp_path / f"{name}.toml"
        path.write_bytes(data)
        keymap, warnings = load_keymap(KNOWN_BINDING_IDS, path)
        assert keymap == {}
        assert len(warnings) == 1
        assert warnings[0].startswith(f"{path}:")
        assert "\n" not in warnings[0]


def test_known_ids_are_the_boards_bindings() -> None:
    from relboard.ui.app import RelboardApp
    from relboard.ui.panes.checklist import ChecklistPane
    from relboard.ui.panes.issues import IssuesPane
    from relboard.ui.panes.rollback import RollbackPane
    from relboard.ui.rowlist import RowList
    from relboard.ui.screens.details import StepDetails
    from relboard.ui.screens.form import ConfirmDiscard, FormScreen
    from relboard.ui.screens.help import HelpScreen
    from relboard.ui.screens.notice_preview import NoticePreview
    from relboard.ui.screens.timeline import TimelineScreen

    owners = (
        RelboardApp,
        ChecklistPane,
        IssuesPane,
        RollbackPane,
        RowList,
        StepDetails,
        ConfirmDiscard,
        FormScreen,
        HelpScreen,
        NoticePreview,
        TimelineScreen,
    )
    ids = {binding.id for owner in owners for binding in owner.BINDINGS if isinstance(binding, Binding) and binding.id}
    assert {
        "mark-pass",
        "mark-fail",
        "quit",
        "help",
        "pane-4",
        "cursor-up",
        "probe-run",
        "timeline",
    } <= KNOWN_BINDING_IDS
    assert ids == KNOWN_BINDING_IDS
