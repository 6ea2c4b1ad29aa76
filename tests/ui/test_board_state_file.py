"""The board on a state file it cannot trust or write, and a viewer who only watches."""

from __future__ import annotations

import asyncio

import pytest
from board_helpers import NARROW, WIDE, events_of, make_app, screen_text, wait_until

from benchmarks.child.frame_driver import FrameDriver
from relboard.domain.events import Decision, StepStatus
from relboard.domain.intents import DecisionFields, MarkStep, RecordDecision
from relboard.store.journal import Journal
from relboard.window.salvage import open_window
from relboard.window.session import WindowSession
from tests.test_private_files import unwritable


def damaged(plan_path, state_path) -> bytes:
    """A state file with three marks, the middle one's checksum broken by one flipped byte."""
    session = WindowSession.open(plan_path, state_path)
    recorder = session.recorder(by="lee")
    for step in ("confirm-scope", "apply", "login"):
        recorder.record(MarkStep(step, StepStatus.PASS))
    data = bytearray(state_path.read_bytes())
    at = data.index(b'step = "apply"')
    data[at + 8] ^= 0x01
    state_path.write_bytes(bytes(data))
    return bytes(data)


async def test_a_damaged_state_opens_with_its_intact_events_and_escape_leaves_it_untouched(
    plan_path, state_path, own_config
):
    before = damaged(plan_path, state_path)
    app = make_app(open_window(plan_path, state_path, salvage=True))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "The state file is damaged" in text
        assert "Repair now (y)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert "◇ read-only" in screen_text(app)
        assert app.state.steps["login"].status is StepStatus.PASS  # the intact events are shown
        await pilot.press("p")
        await pilot.pause()
    assert state_path.read_bytes() == before


async def test_the_repair_from_the_board_keeps_every_intact_event_and_records_again(plan_path, state_path, own_config):
    damaged(plan_path, state_path)
    app = make_app(open_window(plan_path, state_path, salvage=True))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "The board records again." in screen_text(app), timeout=20)
        assert "the damaged bytes are in" in screen_text(app)
        # Back on its feet: keys record, and the file follows.
        assert await wait_until(pilot, lambda: not app.read_only)
        app.record(MarkStep("notify-done", StepStatus.PASS))
        assert await wait_until(pilot, lambda: app.writer.pending == 0, timeout=20)
    kinds = [e.kind for e in Journal(state_path).load()]
    assert kinds.count("state_repaired") == 1
    assert [e.step for e in events_of(state_path, "step_marked")] == ["confirm-scope", "login", "notify-done"]
    assert list(state_path.parent.glob("*.damaged-*.toml"))


async def test_an_unwritable_state_opens_read_only_and_says_why(plan_path, state_path, own_config):
    WindowSession.open(plan_path, state_path).recorder(by="lee").record(MarkStep("apply", StepStatus.PASS))
    before = state_path.read_bytes()
    with unwritable(state_path):
        session = WindowSession.open(plan_path, state_path)
        # What the board's command gives the board: the reason, found without writing anything.
        reason = session.journal.unwritable_reason()
        assert reason is not None
        assert reason.startswith("the state file is not writable")
        app = make_app(session, cannot_write=reason)
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await pilot.pause()
            assert "Opened read-only: the state file is not writable" in screen_text(app)
            assert "◇ read-only" in screen_text(app)
            await pilot.press("p")
            await pilot.pause()
    assert state_path.read_bytes() == before


async def test_a_read_only_board_offers_nothing_that_records(session, state_path, own_config):
    app = make_app(session, read_only=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Quit" in footer
        for word in ("Pass", "Fail", "Note", "Issue", "Decision", "Probe"):
            assert word not in footer
        await pilot.press("question_mark")
        await pilot.pause()
        app.screen.query_one("#help-scroll").scroll_end(animate=False)
        await pilot.pause()
        help_text = screen_text(app)
        assert "Mark the selected step passed" not in help_text
        assert "Record a rollback decision" not in help_text
        assert "Every key" in help_text or "Move" in help_text
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"report")
        await pilot.pause(0.3)
        assert "Write post-change report" not in screen_text(app)
        await pilot.press("escape")
    assert not state_path.exists()
    assert not list(state_path.parent.glob("*.report.md"))


async def test_a_tripped_criterion_and_a_pause_show_in_the_header_at_80_columns(session, own_config):
    app = make_app(session)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        app.record(MarkStep("login", StepStatus.FAIL, "SSO 500"))
        assert await wait_until(pilot, lambda: "✖ TRIPPED: login-broken" in screen_text(app).splitlines()[0])
        app.record(RecordDecision(DecisionFields(Decision.PAUSE, rationale="look first", by="Sam")))
        assert await wait_until(pilot, lambda: "■ PAUSED" in screen_text(app).splitlines()[0])


@pytest.mark.parametrize("quiet", [False, True])
def test_a_trip_rings_the_bell_once_unless_quiet(session, own_config, quiet):
    app = make_app(session, quiet=quiet)
    app.driver_class = FrameDriver
    written: list[str] = []

    async def scenario(pilot) -> None:
        try:
            await pilot.pause()
            driver = FrameDriver.latest
            assert driver is not None
            driver.on_frame = lambda _at, data: written.append(data)
            app.record(MarkStep("login", StepStatus.FAIL, "SSO 500"))
            assert await wait_until(pilot, lambda: "Rollback criterion tripped: login-broken." in screen_text(app))
            app.record(MarkStep("login", StepStatus.FAIL, "still 500"))  # still tripped: no second bell
            await pilot.pause(0.3)
        finally:
            app.exit()

    asyncio.run(app.run_async(size=WIDE, auto_pilot=scenario))
    assert sum(frame.count("\x07") for frame in written) == (0 if quiet else 1)
