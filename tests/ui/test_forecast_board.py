"""Step timing and the forecast on the board: started steps run their clock, the verdict follows the pace."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

from board_helpers import WIDE, events_of, make_app, screen_text, wait_until

from relboard.domain.events import StepStatus
from relboard.domain.intents import MarkStep
from relboard.store.paths import sample_plans_dir
from relboard.ui.app import RelboardApp
from relboard.ui.panes.checklist import ChecklistPane
from relboard.ui.rowlist import RowList
from relboard.window.session import WindowSession

AT_RISK = datetime.fromisoformat("2026-12-05T22:40:00+01:00")  # nothing done yet: no time to spare
PREPARE = ("confirm-scope", "review-notes", "confirm-affected", "backup", "prepare-checklist")


def demo(tmp_path) -> WindowSession:
    shutil.copy(sample_plans_dir() / "demo.toml", tmp_path / "demo.toml")
    return WindowSession.open(tmp_path / "demo.toml", tmp_path / "demo.state.toml")


def select(app, step_id: str) -> None:
    pane = app.query_one(ChecklistPane)
    row = next(n for n, item in enumerate(pane.rows) if getattr(item, "id", None) == step_id)
    pane.query_one(RowList).move_cursor(row)


async def test_the_verdict_changes_as_steps_pass(tmp_path, own_config):
    app = make_app(demo(tmp_path), now=AT_RISK)
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: "AT RISK +0:00:00" in screen_text(app))
        for step in PREPARE:
            app.record(MarkStep(step, StepStatus.PASS))
        # Done faster than expected: the pace lifts the whole projection.
        assert await wait_until(pilot, lambda: "on track +" in screen_text(app))
        assert "Forecast: on track" in screen_text(app)  # the rollback pane's line


async def test_a_started_step_runs_its_clock_and_warns_past_its_expectation(tmp_path, own_config):
    moments = {"now": AT_RISK}
    app = RelboardApp(demo(tmp_path), now=lambda: moments["now"], operator="tester")
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: app.watcher.forecaster is not None)
        await pilot.pause()
        assert "◌   Review release notes with product owners" in screen_text(app)  # waits on confirm-scope
        select(app, "confirm-scope")
        await pilot.press("a")
        assert await wait_until(pilot, lambda: "in progress 0:00:00 of 5m" in screen_text(app))
        assert "▶" in screen_text(app)
        moments["now"] = AT_RISK + timedelta(minutes=3, seconds=20)
        assert await wait_until(pilot, lambda: "in progress 0:03:20 of 5m" in screen_text(app))
        moments["now"] = AT_RISK + timedelta(minutes=6)
        assert await wait_until(pilot, lambda: "in progress 0:06:00 of 5m · OVER" in screen_text(app))
        await pilot.press("p")
        # Passed: the cursor moved on to review-notes, ready now; w goes on to the next ready step.
        assert app.selected_step == "review-notes"
        await pilot.press("w")
        assert await wait_until(pilot, lambda: app.selected_step == "confirm-affected")
    (started,) = events_of(tmp_path / "demo.state.toml", "step_started")
    assert started.step == "confirm-scope"


async def test_a_handover_from_the_keyboard_records_the_summary_and_switches_the_name(tmp_path, own_config):
    app = make_app(demo(tmp_path), now=AT_RISK, operator="Dana Ops")
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: app.watcher.forecaster is not None)
        app.record(MarkStep("confirm-scope", StepStatus.PASS))
        await pilot.press("H")
        await pilot.pause()
        assert "Hand the window over" in screen_text(app)
        await pilot.press(*"Sam Lindqvist", "enter")
        assert await wait_until(pilot, lambda: "Handed over to Sam Lindqvist" in screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.operator == "Sam Lindqvist"
        assert "Sam Lindqvist  ? Help" in screen_text(app)  # the footer names who records now
        select(app, "confirm-affected")
        await pilot.press("p")
        assert await wait_until(pilot, lambda: len(events_of(tmp_path / "demo.state.toml", "step_marked")) == 2)
    (handover,) = events_of(tmp_path / "demo.state.toml", "handover")
    assert (handover.outgoing, handover.incoming) == ("Dana Ops", "Sam Lindqvist")
    assert "confirm-scope" in handover.summary
    assert events_of(tmp_path / "demo.state.toml", "step_marked")[-1].by == "Sam Lindqvist"
