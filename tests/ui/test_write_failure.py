"""The disk goes away mid-window: the board says so, keeps every change, and saves it when the disk is back."""

from __future__ import annotations

from board_helpers import WIDE, events_of, make_app, on_disk, screen_text, wait_until

from relboard.domain.events import StepStatus
from relboard.domain.intents import AddNote, MarkStep
from relboard.window.session import WindowSession


async def test_failed_writes_are_kept_retried_and_saved(plan_path, tmp_path, own_config):
    folder = tmp_path / "state"
    folder.mkdir()
    state_path = folder / "window.state.toml"
    session = WindowSession.open(plan_path, state_path)
    # The folder is replaced by a file: every write fails, even for root.
    folder.rmdir()
    folder.write_text("not a folder")
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("p")
        assert await wait_until(pilot, lambda: "save failed (retrying)" in screen_text(app))
        text = screen_text(app)
        assert "✔   Confirm the exact environment" in text
        assert "Save failed" in text
        app.record(MarkStep("login", StepStatus.FAIL, "tenant 3"))
        await pilot.pause()
        assert "✖ ★ Validate login and tenant access" in screen_text(app)

        # q while changes are unsaved does not lose them silently.
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert await wait_until(pilot, lambda: "Not saved" in screen_text(app))

        folder.unlink()
        folder.mkdir()
        assert await wait_until(pilot, lambda: "● saved" in screen_text(app), timeout=10)
        assert app.writer.pending == 0
    kinds = [event.kind for event in on_disk(state_path)]
    assert kinds == ["plan_loaded", "step_marked", "step_marked"]
    assert [(e.step, e.status.value, e.note) for e in events_of(state_path, "step_marked")] == [
        ("confirm-scope", "pass", ""),
        ("login", "fail", "tenant 3"),
    ]


async def test_save_indicator_says_saved_once_on_disk(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        assert await wait_until(pilot, lambda: events_of(state_path, "step_marked"))
        assert await wait_until(pilot, lambda: "● saved" in screen_text(app))


async def test_read_only_board_records_nothing(session, state_path):
    app = make_app(session, read_only=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        text = screen_text(app)
        assert "◇ read-only" in text
        assert "○   Confirm the exact environment" in text
    assert not state_path.exists()


async def test_an_event_that_can_never_be_saved_is_reported_and_does_not_hold_up_the_rest(
    session, state_path, own_config
):
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        # A lone surrogate cannot be written as UTF-8 (text pasted from a broken source).
        app.record(AddNote("login", "half of \ud83d a pair"))
        app.record(MarkStep("login", StepStatus.PASS))
        assert await wait_until(pilot, lambda: events_of(state_path, "step_marked"))
        assert await wait_until(pilot, lambda: "● saved" in screen_text(app))
        text = screen_text(app)
        assert "Not saved" in text
        assert "cannot be saved as UTF-8" in text
        assert app.writer.pending == 0
    assert events_of(state_path, "note_added") == []
    assert [(e.step, e.status.value) for e in events_of(state_path, "step_marked")] == [("login", "pass")]
