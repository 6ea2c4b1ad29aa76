"""Layout and looks: four panes when there is room, tabs when not, and the theme the user picked."""

from __future__ import annotations

from board_helpers import NARROW, WIDE, make_app, screen_text, wait_until
from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip

from relboard.ui.alike import shared_alike


async def test_narrow_terminal_shows_one_pane_as_tabs(session):
    app = make_app(session)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "1 Checklist  2 Lookup  3 Known issues  4 Rollback" in text
        assert "Apply the release" in text
        assert "accepted in the plan" not in text
        await pilot.press("3")
        await pilot.pause()
        text = screen_text(app)
        assert "accepted in the plan" in text
        assert "Apply the release" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert "Apply the release" in screen_text(app)


async def test_wide_terminal_shows_all_four_panes(session):
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for title in ("1 Checklist", "2 Troubleshooting lookup", "3 Known issues", "4 Rollback decision"):
            assert title in text
        assert "accepted in the plan" in text
        assert "Apply the release" in text


async def test_resizing_switches_between_grid_and_tabs(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "3 Known issues" in screen_text(app)
        assert "2 Lookup" not in screen_text(app)  # no tab bar
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        assert "1 Checklist  2 Lookup  3 Known issues  4 Rollback" in screen_text(app)
        assert "accepted in the plan" not in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        assert "accepted in the plan" in screen_text(app)
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert "2 Lookup" not in screen_text(app)
        assert "1 Checklist" in screen_text(app)
        assert "accepted in the plan" in screen_text(app)


async def test_a_theme_chosen_on_the_board_is_remembered(session, own_config):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.theme != "textual-light"
        app.theme = "textual-light"
        preferences = own_config / "relboard" / "preferences.toml"
        assert await wait_until(pilot, preferences.exists)
    assert 'theme = "textual-light"' in preferences.read_text(encoding="utf-8")
    again = make_app(session)
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


def test_lines_alike_are_given_as_one_strip():
    rule, blank = Strip([Segment("─" * 4)]), Strip([Segment("    ")])
    lines = [rule, Strip([Segment("    ")]), Strip([Segment("    ")]), blank, Strip([Segment("─" * 4)])]
    shared = shared_alike(lines)
    assert [line.text for line in shared] == [line.text for line in lines]
    assert shared[1] is shared[2] is shared[3]
    assert shared[0] is rule
    assert shared[4] is not rule  # only a line like the one before it is replaced


async def test_a_panes_lines_under_its_children_are_one_strip(session):
    # Textual's compositor keeps its pieces of every line a widget gives: lines given as one are cut once.
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for pane in app.screen.query(".pane"):
            width, height = pane.outer_size
            lines = pane.render_lines(Region(0, 0, width, height))
            inside = lines[1:-1]
            assert len({id(line) for line in inside}) == 1, pane.id
            assert inside[0].text == "│" + " " * (width - 2) + "│"
