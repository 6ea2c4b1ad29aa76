"""The known-issues pane on a long window: every issue is there, made when shown, folded to the pane."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from board_helpers import WIDE, make_app, screen_text, wait_until

from relboard.domain.events import IssueOpened
from relboard.store.journal import Journal
from relboard.window.session import WindowSession


async def test_a_window_with_hundreds_of_issues_lists_every_one(plan_path, state_path, own_config):
    state_path.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(state_path)
    journal.load()
    start = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)
    for number in range(400):
        at = start + timedelta(seconds=number)
        title = f"Tenant {number} slow" + (
            " because " + "the cache warms " * 12 + "end of title" if number == 1 else ""
        )
        journal.append(IssueOpened(at=at, by="dana", issue=f"issue-{number}", title=title))
    app = make_app(WindowSession.open(plan_path, state_path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "401 open" in text  # the plan's own and the 400 opened
        # A title wider than the pane folds, its continuation indented; the cursor skips it.
        assert "● open Tenant 1 slow because the cache warms" in text
        assert "    the cache warms" in text
        assert "end of title" in text
        await pilot.press("3", "down", "down")
        assert app.query_one("IssuesPane").selected_issue == "issue-1"
        await pilot.press("down")
        assert app.query_one("IssuesPane").selected_issue == "issue-2"
        await pilot.press("end")
        assert await wait_until(pilot, lambda: "Tenant 399 slow" in screen_text(app))
        await pilot.press("up")
        assert await wait_until(pilot, lambda: app.query_one("IssuesPane").selected_issue == "issue-398")
