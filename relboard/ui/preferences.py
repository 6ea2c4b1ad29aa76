"""The user's themes, keymap and remembered theme, put to work on the board."""

from __future__ import annotations

from collections.abc import Collection

from msgspec import Struct, field
from textual.app import App

from relboard.store.keymap import load_keymap
from relboard.store.preferences import load_theme_choice, save_theme_choice
from relboard.ui.themes import choose_theme, load_themes


class BoardPreferences(Struct):
    keymap: dict[str, str] = field(default_factory=dict)
    # (title, message) to show once the board is up: a bad file is reported, never fatal.
    problems: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, app: App[None], theme_name: str | None, known_ids: Collection[str]) -> BoardPreferences:
        """Read before the first stylesheet pass: switching themes after start-up styles every widget twice."""
        problems = [("Theme skipped", warning) for warning in load_themes(app)]
        keymap, warnings = load_keymap(known_ids)
        problems += [("Keymap", warning) for warning in warnings]
        name, warning = choose_theme(app.available_themes, theme_name, load_theme_choice())
        if warning:
            problems.append(("Theme", warning))
        _start_with(app, name)
        return cls(dict(keymap), problems)

    def apply(self, app: App[None]) -> None:
        """On mount: say what was wrong, rebind keys, and remember the themes the user picks from now on."""
        for title, warning in self.problems:
            app.notify(warning, title=title, severity="warning", markup=False, timeout=10)
        if self.keymap:
            app.set_keymap(self.keymap)
        # Subscribed after the start-up theme is set (and published, when Textual set it), so only a choice the
        # user makes is saved.
        app.call_next(app.theme_changed_signal.subscribe, app, lambda theme: save_theme_choice(theme.name))


def _start_with(app: App[None], name: str) -> None:
    """The theme the board opens in, set before anything is styled.

    Set as `app.theme`, Textual reads every stylesheet again from its text once the app runs, and then once
    more for the screen (a tenth of the board's own start). Nothing is styled yet, so the theme's variables
    are all a stylesheet needs; the colour mode must be the one the app started in, whose palette for ANSI
    colours Textual set up at init (another mode goes the long way)."""
    theme = app.get_theme(name)
    if theme is None or theme.dark != app.current_theme.dark:
        app.theme = name
        return
    app.set_reactive(App.theme, name)
    app.stylesheet.set_variables(app.get_css_variables())
    app.set_class(True, f"-theme-{name}", update=False)
