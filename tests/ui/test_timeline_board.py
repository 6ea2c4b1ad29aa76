"""The timeline on the board: every entry in order, filtered by kind, searched, hostile text kept literal."""

from __future__ import annotations

import random
from datetime import timedelta

from board_helpers import IN_WINDOW, WIDE, arrive, make_app, screen_text, wait_until
from textual.widgets import Input, Select

from relboard.domain.events import NoteAdded, ProbeOutcome, ProbeRan, StepMarked, StepStatus
from relboard.domain.intents import AddNote, MarkStep
from relboard.ui.screens.timeline import TimelineList, TimelineScreen

HOSTILE = "[bold]x[/] [@click=app.quit]boom[/] \x1b[31mred\x1b[0m"
SHOWN_HOSTILE = "[bold]x[/] [@click=app.quit]boom[/] red"


def counted(app) -> str:
    return str(app.screen.query_one("#timeline-count").render())


async def open_timeline(pilot, app) -> TimelineScreen:
    await pilot.press("t")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, TimelineScreen)
    assert await wait_until(pilot, lambda: screen.rows, timeout=20)
    await pilot.pause()
    return screen


async def test_t_lists_the_events_in_order_with_time_who_and_what(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.record(MarkStep("confirm-scope", StepStatus.PASS))
        arrive(
            app,
            NoteAdded(at=IN_WINDOW + timedelta(seconds=5), by="Lee QA", step="login", note=HOSTILE),
            ProbeRan(
                at=IN_WINDOW + timedelta(seconds=9),
                by="tester",
                step="login",
                outcome=ProbeOutcome.FAIL,
                status_code=503,
                reason="expected 200, got 503",
            ),
        )
        screen = await open_timeline(pilot, app)
        text = screen_text(app)
        lines = [line.strip() for line in text.splitlines()]
        start = next(i for i, line in enumerate(lines) if "Window starts (planned 2h)" in line)
        order = [
            "Window starts (planned 2h)",
            "Step pass: Confirm the exact environment and release scope (confirm-scope)",
            f"Note on Validate login and tenant access (login) — {SHOWN_HOSTILE}",
            "Probe failed: Validate login and tenant access (login) (HTTP 503) — expected 200, got 503",
            "Rollback deadline",
            "Window ends",
        ]
        found = [next(i for i, line in enumerate(lines) if words in line) for words in order]
        assert found == sorted(found)
        assert found[0] == start
        assert "Lee QA" in lines[found[2]]
        assert "tester" in lines[found[3]]
        assert app.is_running  # the [@click=app.quit] in the note stayed text
        assert counted(app) == "7 entries"  # the plan load, three events, three milestones
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TimelineScreen)
        assert screen.rows


def large_window(state, count: int) -> int:
    """Fold `count` generated events into the state; returns how many are probe results."""
    rng = random.Random(20261205)
    step_ids = [step.id for step in state.plan.steps]
    at = state.plan.window.start
    probes = 0
    for number in range(count):
        at += timedelta(milliseconds=40)
        roll = rng.random()
        step = rng.choice(step_ids)
        if roll < 0.6:
            event = StepMarked(
                at=at, by=f"engineer-{number % 7}", step=step, status=StepStatus.PASS, note=f"mark {number}"
            )
        elif roll < 0.95:
            event = NoteAdded(at=at, by="Lee QA", step=step, note=f"note number {number}")
        else:
            probes += 1
            event = ProbeRan(
                at=at,
                by="probe",
                step=step,
                outcome=ProbeOutcome.PASS,
                status_code=200,
                latency_ms=12.0,
                reason="200 in 12 ms",
            )
        state.apply(event)
    state.apply(NoteAdded(at=at, by="Lee QA", step="login", note="the needle in the haystack"))
    return probes


async def test_a_hundred_thousand_events_open_filter_and_search(session):
    probes = large_window(session.state, 100_000)
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen = await open_timeline(pilot, app)
        total = len(screen.rows)
        assert total >= 100_004
        assert f"{total:,} entries" in counted(app)
        listing = screen.query_one("#timeline-list", TimelineList)
        assert listing.count == total

        # To the end and back: the last rows are drawn when they scroll into view.
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "the needle in the haystack" in text
        assert "Window ends" in text

        await pilot.click("#timeline-kind")
        await pilot.pause()
        assert f"probe result ({probes:,})" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        kind = screen.query_one("#timeline-kind", Select)
        kind.value = "probe_ran"
        assert await wait_until(pilot, lambda: listing.count == probes)
        assert f"{probes:,} of {total:,} entries" in counted(app)
        assert "Probe passed:" in screen_text(app)
        assert "note number" not in screen_text(app)

        kind.value = "all"
        search = screen.query_one("#timeline-search", Input)
        search.focus()
        await pilot.press(*"needle")
        assert await wait_until(pilot, lambda: listing.count == 1)
        assert "1 of" in counted(app)
        assert "the needle in the haystack" in screen_text(app)

        # The board answers keys while the timeline is open and after it closes.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TimelineScreen)
        await pilot.press("j")
        await pilot.pause()
        assert app.selected_step == "apply"


async def test_the_palette_writes_the_post_change_report_next_to_the_state_file(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        app.record(AddNote("login", "*not bold* <b>x</b>"))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"post-change report")
        await pilot.pause(0.3)
        await pilot.press("enter")
        target = state_path.with_name("window.state.report.md")
        assert await wait_until(pilot, target.exists)
        assert await wait_until(pilot, lambda: "Report written:" in screen_text(app))
        assert "window.state.report.md" in screen_text(app).replace("\n", "")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Post-change report")
    assert "\\*not bold\\*" in text
    assert "<b>" not in text
    assert not list(target.parent.glob(".*.tmp"))
