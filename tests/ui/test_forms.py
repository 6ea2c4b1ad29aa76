"""Every form: validation errors shown in place, escape cancels (asking only when something was typed)."""

from __future__ import annotations

from board_helpers import NARROW, WIDE, events_of, make_app, screen_text, wait_until
from textual.widgets import Input, RadioButton

from relboard.domain.events import StepStatus
from relboard.domain.intents import MarkStep
from relboard.ui.screens.decision_form import CriterionForm, DecisionForm
from relboard.ui.screens.form import ConfirmDiscard
from relboard.ui.screens.issue_form import IssueForm


def fill(app, **values: str) -> None:
    for field_id, value in values.items():
        app.screen.query_one(f"#{field_id}", Input).value = value


async def test_new_issue_needs_title_owner_and_a_real_step(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IssueForm)
        await pilot.press("ctrl+s")
        text = screen_text(app)
        assert "✖ Title is required." in text
        assert "✖ Follow-up owner is required." in text
        fill(app, title="Exports time out", owner="Rio Product", impact="Finance waits", step="nope")
        await pilot.press("enter")
        assert "✖ No step with id 'nope' in the plan." in screen_text(app)
        fill(app, step="login")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, IssueForm)
        assert "2 open known issues" in screen_text(app)
        assert await wait_until(pilot, lambda: events_of(state_path, "issue_opened"))
    (opened,) = events_of(state_path, "issue_opened")
    assert (opened.title, opened.owner, opened.impact, opened.step, opened.by) == (
        "Exports time out",
        "Rio Product",
        "Finance waits",
        "login",
        "tester",
    )


async def test_edit_and_resolve_the_selected_issue(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("3", "e")
        await pilot.pause()
        assert isinstance(app.screen, IssueForm)
        assert app.screen.query_one("#title", Input).value == "Report export slower for the first hour"
        fill(app, owner="")
        await pilot.press("enter")
        assert "✖ Follow-up owner is required." in screen_text(app)
        fill(app, owner="Dana Ops")
        await pilot.press("enter")
        await pilot.pause()
        assert "follow-up: Dana Ops" in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")  # resolving asks first
        await pilot.pause()
        text = screen_text(app)
        assert "✔ resolved Report export slower" in text
        assert "0 open known issues" in text
        assert await wait_until(pilot, lambda: len(events_of(state_path, "issue_updated")) == 2)
    edit, resolve = events_of(state_path, "issue_updated")
    assert (edit.issue, edit.changed, edit.owner) == ("plan-1", ["owner"], "Dana Ops")
    assert (resolve.issue, resolve.changed, resolve.resolved) == ("plan-1", ["resolved"], True)


async def test_escape_on_a_half_filled_form_asks_before_discarding(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, IssueForm)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        assert "Discard what you typed?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, IssueForm)
        assert app.screen.query_one("#title", Input).value == "x"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (IssueForm, ConfirmDiscard))
        assert len(app.state.issues) == 1
    assert events_of(state_path, "issue_opened") == []


async def test_decision_needs_rationale_and_for_a_rollback_the_owners(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.record(MarkStep("login", StepStatus.FAIL, "tenant 3"))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        assert "Tripped criteria: login-broken" in screen_text(app)
        await pilot.click("#decision-rollback")
        await pilot.press("ctrl+s")
        assert "✖ Rationale is required." in screen_text(app)
        await pilot.pause()
        assert app.screen.query_one("#decision-rollback", RadioButton).value
        fill(app, rationale="login broken for tenant 3", business_owner="", impact_statement="")
        await pilot.press("ctrl+s")
        text = screen_text(app)
        assert "✖ A rollback needs the business owner's name." in text
        assert "✖ A rollback needs the impact statement." in text
        fill(app, business_owner="Rio Product", impact_statement="Sessions drop")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionForm)
        assert "ROLLBACK by tester: login broken for tenant 3" in screen_text(app)
        assert await wait_until(pilot, lambda: events_of(state_path, "decision_recorded"))
    (decision,) = events_of(state_path, "decision_recorded")
    assert decision.decision.value == "rollback"
    assert (decision.business_owner, decision.technical_owner) == ("Rio Product", "Sam Platform")
    assert (decision.impact_statement, decision.tripped) == ("Sessions drop", ["login-broken"])


async def test_continue_needs_only_a_rationale_and_escape_cancels(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionForm)
        await pilot.press("d")
        await pilot.pause()
        fill(app, rationale="all green", business_owner="", technical_owner="", impact_statement="")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionForm)
        assert await wait_until(pilot, lambda: events_of(state_path, "decision_recorded"))
    (decision,) = events_of(state_path, "decision_recorded")
    assert (decision.decision.value, decision.rationale) == ("continue", "all green")


async def test_criterion_can_be_marked_tripped_with_a_reason(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CriterionForm)
        await pilot.press("enter")
        assert "✖ Reason is required." in screen_text(app)
        fill(app, reason="support sees errors")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "✖ TRIPPED login-broken" in text
        assert "marked tripped by tester: support sees errors" in text
        assert await wait_until(pilot, lambda: events_of(state_path, "criterion_marked"))
    (mark,) = events_of(state_path, "criterion_marked")
    assert (mark.criterion, mark.tripped, mark.reason) == ("login-broken", True, "support sees errors")


async def test_with_a_criterion_tripped_the_decision_form_chooses_nothing_and_has_no_colour_only_cues(
    session, state_path
):
    app = make_app(session)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        app.record(MarkStep("login", StepStatus.FAIL, "tenant 3"))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        text = screen_text(app)
        # Every choice unchosen, each saying so in its glyph, not only its colour.
        for choice in ("continue", "pause", "rollback", "reschedule"):
            assert f"○ {choice}" in text
        assert "◉" not in text
        # The choice comes first; the next control is the rationale, top to bottom.
        assert app.focused is app.screen.query_one("#decision")
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#rationale", Input)
        fill(app, rationale="looking into it")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Choose what was decided" in screen_text(app)
        assert isinstance(app.screen, DecisionForm)
        # Down at the last field of a 24-row terminal, the tripped criteria are still in view.
        app.screen.query_one("#next_update", Input).focus()
        await pilot.pause()
        assert "Tripped criteria: login-broken" in screen_text(app)
        app.screen.query_one("#decision").focus()
        await pilot.pause()
        await pilot.click("#decision-pause")
        await pilot.pause()
        assert "◉ pause" in screen_text(app)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: events_of(state_path, "decision_recorded"))
    (decision,) = events_of(state_path, "decision_recorded")
    assert decision.decision.value == "pause"
