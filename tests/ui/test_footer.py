"""The footer line: the keys of the focused pane as Textual's footer shows them, from the first frame, and
keys that act when clicked."""

from __future__ import annotations

from board_helpers import WIDE, make_app, screen_text, wait_until

from relboard.ui.footer import BoardFooter
from relboard.ui.screens.help import HelpScreen


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_the_first_frame_shows_the_keys_and_who_records(session):
    app = make_app(session, operator="dana")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        footer = app.query_one(BoardFooter)
        assert footer.keys_drawn
        line = footer_line(app)
        assert line.lstrip().startswith("dana  ? Help  space Pass  f Fail  s Skip  b Blocked  n Note  / Lookup")
        assert line.endswith("▏^p palette")
        assert " p Pass" not in line  # one key per action: the first bound


async def test_the_keys_follow_the_focused_pane(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "space Pass" in footer_line(app)
        await pilot.press("3")
        assert await wait_until(pilot, lambda: "space Pass" not in footer_line(app))
        assert "i Issue" in footer_line(app)


async def test_a_click_on_a_key_presses_it(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        line = footer_line(app)
        await pilot.click(BoardFooter, offset=(line.index("? Help") + 2, 0))
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_hovering_a_key_shows_its_help(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        footer = app.query_one(BoardFooter)
        line = footer_line(app)
        await pilot.hover(BoardFooter, offset=(line.index("/ Lookup") + 1, 0))
        assert footer.tooltip == "Jump to the troubleshooting search box"
        await pilot.hover(BoardFooter, offset=(line.index("▏") - 1, 0))  # between the keys and the palette
        assert footer.tooltip is None


async def test_an_operator_name_is_shown_as_written(session):
    app = make_app(session, operator="[b]eve[/b] $x")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert footer_line(app).lstrip().startswith("[b]eve[/b] $x  ? Help")
