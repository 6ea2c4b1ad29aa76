"""What the board's opening leaves behind for the hours it stays open."""

from __future__ import annotations

import gc

from board_helpers import WIDE, make_app, screen_text


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
