"""The rollback criteria, a few lines each like the known issues: folded to the pane, the cursor on each
criterion's first line, and a scrollbar that shows the folded rows from the first frame."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_helpers import WIDE, make_app, screen_text

from relboard.ui.panes.rollback import RollbackPane
from relboard.ui.rowlist import RowList
from relboard.ui.screens.decision_form import CriterionForm
from relboard.window.session import WindowSession

LONG = "Scheduled exports fail or stall for more than ten minutes for any tenant once the release is applied"


@pytest.fixture
def criteria_plan(plan_path: Path) -> Path:
    """The minimal plan with three more criteria, each wider than the rollback pane."""
    extra = "".join(
        f'[[rollback.criteria]]\nid = "exports-{n}"\ncondition = "{LONG} ({n})"\ntrips_on = []\n\n' for n in range(3)
    )
    text = plan_path.read_text(encoding="utf-8")
    plan_path.write_text(text.replace("[[known_issues]]", extra + "[[known_issues]]", 1), encoding="utf-8")
    return plan_path


async def test_a_long_criterion_folds_and_the_cursor_goes_criterion_to_criterion(
    criteria_plan: Path, state_path: Path, own_config: Path
) -> None:
    app = make_app(WindowSession.open(criteria_plan, state_path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "✔ ok exports-0" in text
        assert "  Scheduled exports fail or stall" in text
        assert "    tenant once the release is applied (0)" in text  # the continuation, under its text
        pane = app.query_one(RollbackPane)
        await pilot.press("4")
        assert pane.selected_criterion == "login-broken"
        await pilot.press("down")
        assert pane.selected_criterion == "exports-0"
        await pilot.press("down")
        assert pane.selected_criterion == "exports-1"
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CriterionForm)
        assert "exports-0" in screen_text(app)


async def test_the_criteria_scrollbar_shows_the_folded_rows_from_the_first_frame(
    criteria_plan: Path, state_path: Path, own_config: Path
) -> None:
    # The rows are counted at the pane's width only after the first layout; the scrollbar drawn before that
    # count must be drawn again with it.
    app = make_app(WindowSession.open(criteria_plan, state_path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        rows = app.query_one("#criteria", RowList)
        scrollbar = rows.vertical_scrollbar
        assert rows.count > rows.scrollable_content_region.height
        assert scrollbar.window_virtual_size == rows.count
        x, top = scrollbar.region.x, scrollbar.region.y
        thumb = app.screen.get_style_at(x, top).bgcolor
        track = app.screen.get_style_at(x, scrollbar.region.bottom - 1).bgcolor
        assert thumb != track  # a thumb at the top, a third of the track long, not the whole track
