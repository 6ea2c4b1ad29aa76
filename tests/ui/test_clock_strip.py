"""The clock strip: window clock, deadline warning and alarm, overrun, and a plan that changed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from board_helpers import WIDE, events_of, make_app, screen_text, wait_until
from textual.widgets import Input

from benchmarks.child.frame_driver import FrameDriver
from relboard.domain.clock import Alert
from relboard.ui.clock_strip import ClockStrip
from relboard.ui.screens.form import ConfirmDiscard
from relboard.window.session import WindowSession

START = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)  # 22:00 +01:00


def styles_of(strip: ClockStrip, text: str) -> set[str]:
    """The style words the strip draws `text` in, as they stand in its rendered lines."""
    content = strip.render()
    start = content.plain.index(text)
    words: set[str] = set()
    for span in content.spans:
        if span.start <= start < span.end:
            words.update(str(span.style).split())
    return words


async def test_before_the_window_it_counts_down(session):
    app = make_app(session, now=START - timedelta(minutes=42, seconds=10))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "starts in 0:42:10" in text
        assert "rollback decision by 23:30 (in 2:12:10)" in text


async def test_deadline_warns_fifteen_minutes_before_and_alarms_after(session):
    moments = {"now": START + timedelta(minutes=80)}
    app = make_app(session)
    app.now = lambda: moments["now"]
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.tick()
        await pilot.pause()
        strip = app.query_one(ClockStrip)
        assert "rollback decision by 23:30 (in 0:10:00)" in screen_text(app)
        assert strip.deadline_alert is Alert.WARNING
        assert styles_of(strip, "rollback decision by") == {"bold", "$text-warning"}
        assert "Rollback deadline in 0:10:00" in screen_text(app)
        moments["now"] = START + timedelta(minutes=95)
        app.tick()
        await pilot.pause()
        assert "rollback decision by 23:30 (passed 0:05:00 ago)" in screen_text(app)
        assert strip.deadline_alert is Alert.ALARM
        assert styles_of(strip, "rollback decision by") == {"bold", "reverse", "$text-error"}
        moments["now"] = START + timedelta(hours=2, minutes=5)
        app.tick()
        await pilot.pause()
        assert "OVERRUN +0:05:00" in screen_text(app)
        assert styles_of(strip, "OVERRUN") == {"bold", "reverse", "$text-error"}


async def test_a_changed_plan_is_announced_with_its_added_and_removed_steps(plan_path, state_path, own_config):
    first = make_app(WindowSession.open(plan_path, state_path))
    async with first.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: events_of(state_path, "plan_loaded"))
    text = plan_path.read_text(encoding="utf-8")
    text = text.replace('id = "notify-done"', 'id = "notify-all"')
    plan_path.write_text(text, encoding="utf-8")
    second = make_app(WindowSession.open(plan_path, state_path))
    async with second.run_test(size=WIDE, notifications=True) as pilot:
        assert await wait_until(pilot, lambda: "Plan changed" in screen_text(second))
        text = screen_text(second)
        assert "added: notify-all" in text
        assert "removed: notify-done" in text
        assert await wait_until(pilot, lambda: len(events_of(state_path, "plan_loaded")) == 2)


async def test_a_rehearsal_records_the_plan_on_the_rehearsal_clock(session, state_path):
    rehearsed = START + timedelta(minutes=50)
    app = make_app(session, now=rehearsed)
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: events_of(state_path, "plan_loaded"))
        await pilot.press("p")
        assert await wait_until(pilot, lambda: events_of(state_path, "step_marked"))
    # One clock for every event the board records, so the timeline reads in order.
    assert [e.at for e in events_of(state_path, "plan_loaded")] == [rehearsed]
    assert [e.at for e in events_of(state_path, "step_marked")] == [rehearsed]


def test_the_countdown_reaches_the_terminal_under_a_form_and_its_discard_prompt(session):
    # What a terminal receives (frames as written), not a fresh screenshot: a screen under two dialogs
    # was composed from the middle one's last picture, so the clock stood still on the terminal.
    moments = {"now": START + timedelta(minutes=30)}
    app = make_app(session)
    app.now = lambda: moments["now"]
    app.driver_class = FrameDriver
    written: list[str] = []

    async def scenario(pilot) -> None:
        try:
            await pilot.pause()
            driver = FrameDriver.latest
            assert driver is not None
            driver.on_frame = lambda _at, data: written.append(data)
            await pilot.press("i")
            await pilot.pause()
            app.screen.query_one("#title", Input).value = "half typed"
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDiscard))
            written.clear()
            moments["now"] = START + timedelta(minutes=37)
            assert await wait_until(pilot, lambda: any("0:37:00" in frame for frame in written), timeout=5)
        finally:
            app.exit()

    asyncio.run(app.run_async(size=WIDE, auto_pilot=scenario))
