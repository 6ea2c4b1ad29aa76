"""What the board's opening leaves behind for the hours it stays open."""

from __future__ import annotations

import gc

import pytest
from board_helpers import WIDE, make_app, screen_text, wait_until
from textual.color import Color
from textual.css.stylesheet import Stylesheet


async def test_the_cycle_collector_held_for_the_opening_runs_again_once_the_board_is_up(session):
    # `relboard PLAN` holds the collector while the plan, the state and the board are built.
    gc.disable()
    try:
        app = make_app(session)
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            assert "Checklist" in screen_text(app)
            assert gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("theme", ["relboard-dark", "relboard-high-contrast", "relboard-light"])
async def test_the_board_opens_in_its_theme_reading_its_stylesheets_once(session, theme, monkeypatch):
    # Set the usual way, a theme made Textual read every stylesheet again from its text as the app started.
    reparsed: list[Stylesheet] = []
    original = Stylesheet.reparse

    def counting(stylesheet: Stylesheet) -> None:
        reparsed.append(stylesheet)
        original(stylesheet)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    app = make_app(session, theme_name=theme)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        chosen = app.get_theme(theme)
        assert chosen is not None
        assert app.theme == theme
        assert app.screen.styles.background == Color.parse(chosen.background or "")
        assert app.has_class(f"-theme-{theme}")
        assert app.has_class("-dark-mode") is chosen.dark
    # A light theme on an app that starts dark takes Textual's own way (its ANSI palette changes too).
    assert len(reparsed) == (0 if chosen.dark else 1)


async def test_the_lazy_modules_are_imported_from_the_first_tick_not_while_the_board_opens(session):
    # Started as the board opened, the imports took the interpreter (and added their memory) while it drew.
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "Checklist" in screen_text(app)
        assert app._preloading is None
        assert await wait_until(pilot, lambda: app._preloading is not None)
        preloading = app._preloading
        app.tick()
        assert app._preloading is preloading  # once
