"""The key contract of the board, pressed as a user would, against real plan and state files."""

from __future__ import annotations

from pathlib import Path

from board_helpers import WIDE, events_of, make_app, screen_text, wait_until
from textual import events
from textual.widgets import Input

from relboard.domain.events import StepStatus
from relboard.domain.intents import AddNote, MarkStep
from relboard.ui.rowlist import RowList
from relboard.ui.screens.details import StepDetails
from relboard.ui.screens.help import HelpScreen
from relboard.ui.screens.step_note import StepNoteForm


def marks(state_path: Path) -> list[tuple[str, str, str]]:
    return [(e.step, e.status.value, e.note) for e in events_of(state_path, "step_marked")]


async def test_keys_typed_in_one_burst_act_on_the_row_the_cursor_reached(session, state_path):
    # A burst reaches the board before any of its keys is handled, as when typing fast over SSH.
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for key in ("j", "j", "b", "k", "p"):
            app.post_message(events.Key(key, key))
        assert await wait_until(pilot, lambda: len(marks(state_path)) == 2)
    assert marks(state_path) == [("login", "blocked", ""), ("apply", "pass", "")]


async def test_marking_keys_record_each_status(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.selected_step == "confirm-scope"
        # A pass moves the cursor on to the next pending step; blocked (or failed) keeps it there.
        await pilot.press("p")
        assert app.selected_step == "apply"
        await pilot.press("space")
        assert app.selected_step == "login"
        await pilot.press("b")
        assert app.selected_step == "login"
        await pilot.press("k")  # back to apply
        await pilot.press("u")
        assert app.selected_step == "apply"
        assert await wait_until(pilot, lambda: len(marks(state_path)) == 4)
        text = screen_text(app)
        assert "✔   Confirm the exact environment" in text
        assert "⊘ ★ Validate login and tenant access" in text
        assert "○ ★ Apply the release" in text
        assert "1/4 overall" in text
    assert marks(state_path) == [
        ("confirm-scope", "pass", ""),
        ("apply", "pass", ""),
        ("login", "blocked", ""),
        ("apply", "pending", ""),
    ]
    assert {e.by for e in events_of(state_path, "step_marked")} == {"tester"}


async def test_fail_asks_for_a_note_and_skip_asks_why(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, StepNoteForm)
        await pilot.press("enter")
        assert "What failed is required." in screen_text(app)
        await pilot.press(*"500s")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, StepNoteForm)
        await pilot.press("j", "s")
        await pilot.pause()
        assert "Why is it skipped" in screen_text(app)
        await pilot.press(*"n/a", "enter")
        await pilot.pause()
        # Skipped: the cursor moved on to the next pending step (the failed one is not pending).
        assert app.selected_step == "login"
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"ok", "enter")
        assert await wait_until(pilot, lambda: len(marks(state_path)) == 2 and events_of(state_path, "note_added"))
        text = screen_text(app)
        assert "✖   Confirm the exact environment" in text
        assert "↷ ★ Apply the release" in text
        assert "note: ok" in text
    assert marks(state_path) == [("confirm-scope", "fail", "500s"), ("apply", "skip", "n/a")]
    assert [(e.step, e.note) for e in events_of(state_path, "note_added")] == [("login", "ok")]


async def test_escape_cancels_an_untouched_note_form(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StepNoteForm)
        assert app.state.steps["confirm-scope"].status is StepStatus.PENDING


async def test_enter_shows_details_and_escape_closes(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StepDetails)
        text = screen_text(app)
        assert "id apply · phase apply · owner Sam Platform · critical" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StepDetails)


async def test_slash_searches_symptoms_and_escape_returns(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert app.focused.id == "lookup-input"
        app.query_one("#lookup-input", Input).value = "conector fail upgrade"
        assert await wait_until(pilot, lambda: "1. Credential" in screen_text(app))
        symptoms = app.query_one("#symptoms", RowList)
        assert symptoms.row_content(0).plain == "Connector fails after upgrade"
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.query_one("#steps", RowList)
        assert app.screen.active_pane == "checklist"


async def test_a_quick_search_follows_each_key_and_a_slow_one_waits_for_a_pause(session, monkeypatch):
    from relboard.ui.panes import lookup

    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        symptoms = app.query_one("#symptoms", RowList)
        monkeypatch.setattr(lookup, "INLINE_SEARCH_SECONDS", 3600.0)  # every search counts as quick
        for key in "conector":
            await pilot.press(key)
        await pilot.pause()  # no timer has fired: the results came with the keys
        assert symptoms.row_content(0).plain == "Connector fails after upgrade"
        monkeypatch.setattr(lookup, "INLINE_SEARCH_SECONDS", 0.0)  # every search counts as slow
        await pilot.press("ctrl+u")
        for key in "rollback":
            await pilot.press(key)
        assert await wait_until(pilot, lambda: symptoms.row_content(0).plain == "Rollback decision is unclear")
        assert app.query_one("#lookup-input", Input).value == "rollback"


async def test_number_keys_and_tab_move_between_panes(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        # The lookup box comes last: inside it digits are typed, not pane keys.
        for key, pane, focused in (
            ("3", "issues", "issue-list"),
            ("4", "rollback", "criteria"),
            ("1", "checklist", "steps"),
            ("2", "lookup", "lookup-input"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.active_pane == pane
            assert app.focused is not None
            assert app.focused.id == focused
        await pilot.press("escape", "tab")
        await pilot.pause()
        assert app.screen.active_pane == "lookup"


async def test_the_footer_offers_the_keys_of_the_pane_in_use(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()

        def footer() -> str:
            return screen_text(app).splitlines()[-1]

        assert "space Pass" in footer()
        await pilot.press("3")
        assert await wait_until(pilot, lambda: "Pass" not in footer())
        assert "Quit" in footer()
        await pilot.press("1")
        assert await wait_until(pilot, lambda: "space Pass" in footer())


async def test_help_lists_every_key(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        # The rest is a scroll away, as for a reader.
        app.screen.query_one("#help-scroll").scroll_end(animate=False)
        await pilot.pause()
        text += screen_text(app)
        for words in (
            "space, p",
            "Mark the selected step passed",
            "Open a known issue",
            "Record a rollback decision",
            "Jump to the troubleshooting search box",
            "Quit",
            "↓, j",
            "ctrl+p",
        ):
            assert words in text, words
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_marks_the_completion_notice_and_the_release_completes(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for step in ("apply", "login"):
            app.record(MarkStep(step, StepStatus.PASS))
        assert "COMPLETE" not in screen_text(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"completion notice")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: events_of(state_path, "notice_sent"))
        await pilot.pause()
        assert "✔ COMPLETE" in screen_text(app)
    (notice,) = events_of(state_path, "notice_sent")
    assert (notice.notice.value, notice.delivered, notice.channel) == ("after", True, "manual")


async def test_notice_and_timeline_keys_open_their_screens(session):
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert await wait_until(pilot, lambda: "Window starts (planned 2h)" in screen_text(app))
        await pilot.press("escape", "c")
        assert await wait_until(pilot, lambda: "Notice preview" in screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_q_quits_at_once(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("p", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_q_in_a_form_is_just_a_letter(session):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, StepNoteForm)
        assert app.screen.query_one("#note", Input).value == "q"


async def test_user_keymap_rebinds_an_action(session, state_path, own_config):
    keymap = own_config / "relboard" / "keymap.toml"
    keymap.parent.mkdir(parents=True)
    keymap.write_text('[keys]\nmark-pass = "y"\n', encoding="utf-8")
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert await wait_until(pilot, lambda: marks(state_path))
    assert marks(state_path) == [("confirm-scope", "pass", "")]


async def test_an_action_on_a_step_missing_from_the_plan_says_so_and_records_nothing(session, state_path):
    # A step named by the palette, a script or an older plan that this plan no longer has.
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert app.record(MarkStep("retired-step", StepStatus.PASS)) is False
        assert app.record(AddNote("retired-step", "still there?")) is False
        assert await wait_until(pilot, lambda: "There is no step 'retired-step' in the plan" in screen_text(app))
        await pilot.press("p")  # the board keeps working
        assert await wait_until(pilot, lambda: len(marks(state_path)) == 1)
    assert marks(state_path) == [("confirm-scope", "pass", "")]
    assert events_of(state_path, "note_added") == []


async def test_a_step_key_typed_in_another_pane_acts_on_nothing(session, state_path):
    # Space in the lookup's results, b or u in the known issues: the checklist's selected step stays as it is.
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.press(*"not needed", "enter")
        assert await wait_until(pilot, lambda: len(marks(state_path)) == 1)
        await pilot.press("k")  # back on the deliberately skipped step
        await pilot.press("slash")
        await pilot.press(*"connector")
        await pilot.pause(0.3)
        await pilot.press("down", "space", "p", "b", "u")
        await pilot.press("3", "space", "p", "b", "u", "f", "n")
        await pilot.pause()
        assert app.screen is app.board  # no note or fail form opened from the issues pane
        await pilot.press("1")
        await pilot.pause()
        assert app.selected_step == "confirm-scope"
    assert marks(state_path) == [("confirm-scope", "skip", "not needed")]


async def test_undo_takes_back_the_last_mark_as_an_event_of_its_own(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("p")  # confirm-scope passed by mistake; the cursor moved on
        assert app.selected_step == "apply"
        await pilot.press("z")
        assert await wait_until(pilot, lambda: len(marks(state_path)) == 2)
        assert app.selected_step == "confirm-scope"
        assert app.state.steps["confirm-scope"].status is StepStatus.PENDING
        assert "Undone: confirm-scope is pending again." in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "tester: marked pass" in text
        assert "tester: undo: back to pending (took back pass)" in text
    undo = events_of(state_path, "step_marked")[-1]
    assert (undo.step, undo.status, undo.undoes) == ("confirm-scope", StepStatus.PENDING, "pass")


async def test_resolving_a_known_issue_asks_first_and_it_can_be_reopened(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("3", "x")
        await pilot.pause()
        assert "Resolve 'Report export slower" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.state.issues["plan-1"].open
        await pilot.press("x", "y")
        assert await wait_until(pilot, lambda: not app.state.issues["plan-1"].open)
        await pilot.press("o")
        assert await wait_until(pilot, lambda: app.state.issues["plan-1"].open)
        assert await wait_until(pilot, lambda: len(events_of(state_path, "issue_updated")) == 2)
    assert [e.resolved for e in events_of(state_path, "issue_updated")] == [True, False]
