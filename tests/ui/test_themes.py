"""Theme files: bundled ones load and apply; broken ones are reported and skipped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.color import Color
from textual.widgets import Footer, Input, Label

from relboard.store import paths
from relboard.ui.themes import (
    DEFAULT_THEME,
    ThemeFileError,
    choose_theme,
    discover_themes,
    load_themes,
    read_theme_file,
)
from tests.hostile import invalid_toml_corpus

BUNDLED = ["relboard-dark", "relboard-light", "relboard-high-contrast"]

GOOD = """\
name = "good"
primary = "#112233"
background = "#010203"
"""


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's config folder inside tmp_path, so no test reads or writes the real one."""
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    assert paths.user_themes_dir() == home / "relboard" / "themes"
    return home


class ThemedApp(App[None]):
    """The widgets whose CSS reads theme variables (footer keys, input cursor, selection)."""

    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Label("Step 1: drain traffic")
        yield Input(value="note")
        yield Footer()

    def on_mount(self) -> None:
        self.theme_warnings = load_themes(self)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_theme_file_loads_without_warnings() -> None:
    themes, warnings = discover_themes([paths.themes_dir()])
    assert warnings == []
    assert {theme.name for theme in themes} >= set(BUNDLED)
    assert DEFAULT_THEME in {theme.name for theme in themes}


def test_every_bundled_theme_file_documents_the_format_at_the_top() -> None:
    for path in sorted(paths.themes_dir().glob("*.toml")):
        head = path.read_text(encoding="utf-8").split("\nname", 1)[0]
        for key in ("name", "primary", "luminosity_spread", "text_alpha", "[variables]"):
            assert key in head, f"{path.name} does not explain {key}"


@pytest.mark.parametrize("name", BUNDLED)
async def test_bundled_theme_applies_and_paints_the_screen(name: str) -> None:
    app = ThemedApp()
    async with app.run_test(size=(60, 12)) as pilot:
        assert app.theme_warnings == []
        app.theme = name
        await pilot.pause()
        assert app.current_theme.name == name
        svg = app.export_screenshot()
    background = app.get_theme(name).background
    assert background is not None
    assert Color.parse(background).hex.lower() in svg
    assert "drain traffic" in svg.replace("&#160;", " ")


def contrast(one: str, two: str) -> float:
    def luminance(colour: str) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        red, green, blue = Color.parse(colour).rgb
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_high_contrast_theme_is_readable_in_a_dim_room() -> None:
    theme = read_theme_file(paths.themes_dir() / "relboard-high-contrast.toml")
    assert theme.text_alpha == 1.0
    for role in ("foreground", "warning", "error", "success", "primary"):
        ratio = contrast(getattr(theme, role), theme.background)
        assert ratio >= 7, f"{role} is only {ratio:.1f}:1 against the background"
    # No thin greys: muted text is as bright as normal text.
    assert contrast(theme.variables["text-muted"], theme.background) >= 15


BROKEN = {
    "bad-colour": ('name = "x"\nprimary = "#12345g"\n', "'primary': '#12345g' is not a colour"),
    "misspelt-colour": ('name = "x"\nprimary = "bleu"\n', "did you mean 'blue'"),
    "bad-toml": ('name = "x"\nprimary = "#123456\n', ":2:"),
    "missing-name": ('primary = "#123456"\n', "missing 'name'"),
    "missing-primary": ('name = "x"\n', "missing 'primary'"),
    "name-not-string": ('name = 3\nprimary = "#123456"\n', "'name' must be a string"),
    "name-with-space": ('name = "my theme"\nprimary = "#123456"\n', "'name' must be letters"),
    "colour-not-string": ('name = "x"\nprimary = 255\n', "'primary' must be a colour string"),
    "dark-not-bool": ('name = "x"\nprimary = "red"\ndark = "yes"\n', "'dark' must be true or false"),
    "spread-not-number": (
        'name = "x"\nprimary = "red"\nluminosity_spread = "wide"\n',
        "'luminosity_spread' must be a number",
    ),
    "alpha-out-of-range": ('name = "x"\nprimary = "red"\ntext_alpha = 2\n', "from 0 to 1"),
    "unknown-key": ('name = "x"\nprimary = "red"\nprimray = "blue"\n', "unknown key 'primray'"),
    "variables-not-table": ('name = "x"\nprimary = "red"\nvariables = "x"\n', "must be a table"),
    "bad-variable-colour": (
        'name = "x"\nprimary = "red"\n[variables]\nfooter-key-foreground = "nope"\n',
        "'variables.footer-key-foreground': 'nope' is not a colour",
    ),
    "bad-variable-style": (
        'name = "x"\nprimary = "red"\n[variables]\nblock-cursor-text-style = "shiny"\n',
        "is not a text style",
    ),
    "variable-not-string": (
        'name = "x"\nprimary = "red"\n[variables]\nborder = 1\n',
        "'variables.border' must be a string",
    ),
    "not-utf8": (b'name = "x"\nprimary = "\xff"\n', "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_theme_file_is_reported_and_skipped_while_good_ones_load(tmp_path: Path, case: str) -> None:
    content, expected = BROKEN[case]
    folder = tmp_path / "themes"
    write(folder, "a-good.toml", GOOD)
    bad = folder / "broken.toml"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())

    themes, warnings = discover_themes([folder])

    assert [theme.name for theme in themes] == ["good"]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{bad}:")
    assert "\n" not in warnings[0]
    assert expected in warnings[0]


def test_broken_toml_is_located_by_line_and_column(tmp_path: Path) -> None:
    bad = write(tmp_path, "t.toml", 'name = "x"\nprimary = = "red"\n')
    with pytest.raises(ThemeFileError) as caught:
        read_theme_file(bad)
    assert re.fullmatch(rf"{re.escape(str(bad))}:2:\d+: .+", str(caught.value))


def test_every_problem_in_a_file_is_named_at_once(tmp_path: Path) -> None:
    bad = write(tmp_path, "t.toml", 'primary = "nope"\nerror = "also-nope"\ndark = 1\n')
    with pytest.raises(ThemeFileError) as caught:
        read_theme_file(bad)
    message = str(caught.value)
    for fragment in ("missing 'name'", "'primary'", "'error'", "'dark'"):
        assert fragment in message


def test_invalid_toml_corpus_gives_one_line_warnings_never_a_crash(tmp_path: Path) -> None:
    corpus = invalid_toml_corpus()
    assert len(corpus) > 100
    folder = tmp_path / "themes"
    folder.mkdir()
    for name, data in corpus:
        (folder / f"{name}.toml").write_bytes(data)
    write(folder, "zz-good.toml", GOOD)

    themes, warnings = discover_themes([folder])

    assert [theme.name for theme in themes] == ["good"]
    assert len(warnings) == len(corpus)
    for warning in warnings:
        assert "\n" not in warning
        assert warning.startswith(str(folder))


def test_valid_colour_forms_and_variable_alpha_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "forms.toml",
        'name = "forms"\nprimary = "rgb(10,20,30)"\nsecondary = "hsl(200,50%,50%)"\n'
        'accent = "orange"\nbackground = "#000"\ndark = true\nluminosity_spread = 0\n'
        '[variables]\ninput-selection-background = "#81a1c1 35%"\n'
        'button-focus-text-style = "b reverse"\nlink-background = "initial"\n',
    )
    theme = read_theme_file(path)
    assert theme.secondary == "hsl(200,50%,50%)"
    assert theme.variables["input-selection-background"] == "#81a1c1 35%"


def test_missing_folders_are_not_a_problem(tmp_path: Path) -> None:
    assert discover_themes([tmp_path / "nowhere"]) == ([], [])


async def test_user_folder_overrides_a_bundled_theme_and_adds_its_own(config_home: Path) -> None:
    user = config_home / "relboard" / "themes"
    override = 'name = "relboard-dark"\nprimary = "#ff00ff"\nbackground = "#200020"\n'
    write(user, "relboard-dark.toml", override)
    extra = 'name = "night-shift"\nprimary = "#0f0"\nbackground = "#001000"\n'
    write(user, "night-shift.toml", extra)
    write(user, "broken.toml", 'name = "broken"\nprimary = "not a colour"\n')

    app = ThemedApp()
    async with app.run_test(size=(60, 12)) as pilot:
        assert app.get_theme("relboard-dark").background == "#200020"
        assert app.get_theme("relboard-light") is not None
        assert len(app.theme_warnings) == 1
        assert app.theme_warnings[0].startswith(str(user / "broken.toml"))
        assert app.get_theme("broken") is None
        app.theme = "night-shift"
        await pilot.pause()
        assert "#001000" in app.export_screenshot()


def test_later_file_in_the_same_folder_wins_and_says_so(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'name = "same"\nprimary = "red"\n')
    write(tmp_path, "b.toml", 'name = "same"\nprimary = "blue"\n')
    themes, warnings = discover_themes([tmp_path])
    assert [(t.name, t.primary) for t in themes] == [("same", "blue")]
    assert len(warnings) == 1
    assert "also defined in a.toml" in warnings[0]


def test_choose_theme_prefers_the_flag_then_the_remembered_choice() -> None:
    names = ["relboard-dark", "relboard-light", "textual-dark"]
    assert choose_theme(names, "relboard-light", "relboard-dark") == ("relboard-light", None)
    assert choose_theme(names, None, "relboard-light") == ("relboard-light", None)
    assert choose_theme(names, None, "deleted-theme") == ("relboard-dark", None)
    assert choose_theme(names, None, None) == ("relboard-dark", None)
    chosen, warning = choose_theme(names, "relbaord-light", "relboard-light")
    assert chosen == "relboard-light"
    assert warning is not None
    assert "'relbaord-light'" in warning
    assert "relboard-light" in warning
