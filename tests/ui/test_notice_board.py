"""The notice preview on the board: the draft for the moment, edited, sent to a real local webhook."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from board_helpers import IN_WINDOW, WIDE, arrive, events_of, make_app, screen_text, wait_until
from textual.widgets import Select, TextArea

from relboard.domain.events import Decision, DecisionRecorded, NoticeKind, StepStatus
from relboard.domain.intents import MarkStep, RecordNotice
from relboard.domain.notices import draft
from relboard.ui.screens.notice_preview import NoticePreview

BEFORE_WINDOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
HOOK_TOKEN = "T0K3N-9x8y7z"


def preview_text(app) -> str:
    return app.screen.query_one("#notice-text", TextArea).text


async def choices_shown(pilot, app, selector: str) -> str:
    """Open a Select's list, read the screen, close the list again."""
    await pilot.click(selector)
    await pilot.pause()
    text = screen_text(app)
    await pilot.press("escape")
    await pilot.pause()
    return text


async def open_preview(pilot, app) -> None:
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, NoticePreview)


async def test_c_opens_the_draft_the_moment_calls_for(session, state_path):
    app = make_app(session, now=BEFORE_WINDOW)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await open_preview(pilot, app)
        assert preview_text(app) == draft(NoticeKind.BEFORE, app.state)
        text = screen_text(app)
        assert "Maintenance notice: Platform 4.2 upgrade (CHG-1042)" in text
        assert "webhook from $RELBOARD_WEBHOOK" in text
        # Two moments to choose from: no decision has been recorded.
        shown = await choices_shown(pilot, app, "#notice-kind")
        assert "after the window" in shown
        assert "on the last decision" not in shown
        assert isinstance(app.screen, NoticePreview)
        app.screen.query_one("#notice-kind", Select).value = "after"
        await pilot.pause()
        assert preview_text(app).startswith("Maintenance result: Platform 4.2 upgrade (CHG-1042)")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NoticePreview)
    assert events_of(state_path, "notice_sent") == []


async def test_send_posts_the_edited_text_records_it_and_the_release_completes(
    session, state_path, httpserver, monkeypatch
):
    httpserver.expect_request(f"/hooks/{HOOK_TOKEN}", method="POST").respond_with_data("ok")
    monkeypatch.setenv("RELBOARD_WEBHOOK", httpserver.url_for(f"/hooks/{HOOK_TOKEN}"))
    app = make_app(session, now=IN_WINDOW)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        # The before notice went out earlier, so in the window the preview turns to the after notice.
        app.record(RecordNotice(NoticeKind.BEFORE, delivered=True, channel="manual", detail="sent by hand"))
        for step in ("apply", "login"):
            app.record(MarkStep(step, StepStatus.PASS))
        await pilot.pause()
        assert "COMPLETE" not in screen_text(app)
        await open_preview(pilot, app)
        assert preview_text(app).startswith("Maintenance result: Platform 4.2 upgrade (CHG-1042)")
        await pilot.press(*"All done. ")
        await pilot.click("#notice-send")
        assert await wait_until(pilot, lambda: events_of(state_path, "notice_sent"))
        assert await wait_until(
            pilot, lambda: "Sent: delivered to webhook from $RELBOARD_WEBHOOK (HTTP 200" in screen_text(app)
        )
        assert HOOK_TOKEN not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "✔ COMPLETE" in screen_text(app)
    ((request, _response),) = httpserver.log
    payload = json.loads(request.get_data(as_text=True))
    assert list(payload) == ["text"]
    assert payload["text"].startswith("All done. Maintenance result: Platform 4.2 upgrade")
    (_before, notice) = events_of(state_path, "notice_sent")
    assert (notice.notice, notice.delivered, notice.channel, notice.by) == (NoticeKind.AFTER, True, "webhook", "tester")
    assert notice.text == payload["text"]
    assert HOOK_TOKEN not in state_path.read_text(encoding="utf-8")


async def test_a_missing_webhook_variable_is_said_and_nothing_is_sent(session, state_path, monkeypatch):
    monkeypatch.delenv("RELBOARD_WEBHOOK", raising=False)
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await open_preview(pilot, app)
        await pilot.click("#notice-send")
        await pilot.pause()
        assert "Not sent: environment variable RELBOARD_WEBHOOK is not set" in screen_text(app)
        await pilot.pause(0.3)
    assert events_of(state_path, "notice_sent") == []


async def test_a_refused_notice_is_recorded_as_not_delivered(session, state_path, httpserver, monkeypatch):
    httpserver.expect_request("/hook", method="POST").respond_with_data("no_text", status=400)
    monkeypatch.setenv("RELBOARD_WEBHOOK", httpserver.url_for("/hook"))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await open_preview(pilot, app)
        await pilot.click("#notice-send")
        assert await wait_until(pilot, lambda: events_of(state_path, "notice_sent"))
        assert await wait_until(
            pilot,
            lambda: "NOT delivered: webhook from $RELBOARD_WEBHOOK refused the notice: HTTP 400" in screen_text(app),
        )
        await pilot.press("escape")
        await pilot.pause()
        assert "COMPLETE" not in screen_text(app)
    (notice,) = events_of(state_path, "notice_sent")
    assert (notice.delivered, notice.channel) == (False, "webhook")
    assert len(httpserver.log) == 1  # a 4xx is not retried


async def test_mark_sent_by_hand_records_a_manual_notice(session, state_path):
    app = make_app(session, now=BEFORE_WINDOW)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await open_preview(pilot, app)
        await pilot.click("#notice-manual")
        assert await wait_until(pilot, lambda: events_of(state_path, "notice_sent"))
        assert "was sent by hand" in screen_text(app)
    (notice,) = events_of(state_path, "notice_sent")
    assert (notice.notice, notice.delivered, notice.channel) == (NoticeKind.BEFORE, True, "manual")
    assert notice.text == draft(NoticeKind.BEFORE, app.state)


async def test_after_a_rollback_decision_the_preview_drafts_the_decision_notice(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        decided = DecisionRecorded(
            at=IN_WINDOW - timedelta(minutes=1),
            by="Sam Platform",
            decision=Decision.ROLLBACK,
            rationale="login broken [/] for tenants",
        )
        arrive(app, decided)
        await pilot.pause()
        await open_preview(pilot, app)
        assert preview_text(app).startswith("Maintenance decision: Platform 4.2 upgrade")
        assert "Why: login broken [/] for tenants" in preview_text(app)
        shown = await choices_shown(pilot, app, "#notice-kind")
        assert "before the window" in shown
        assert "after the window" in shown
        assert "on the last decision" in shown


async def test_mid_window_the_after_notice_is_a_draft_and_sending_it_asks_first(
    session, state_path, httpserver, monkeypatch
):
    httpserver.expect_request(f"/hooks/{HOOK_TOKEN}", method="POST").respond_with_data("ok")
    monkeypatch.setenv("RELBOARD_WEBHOOK", httpserver.url_for(f"/hooks/{HOOK_TOKEN}"))
    app = make_app(session, now=IN_WINDOW)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        app.record(RecordNotice(NoticeKind.BEFORE, delivered=True, channel="manual", detail="sent by hand"))
        await open_preview(pilot, app)
        text = preview_text(app)
        assert text.startswith("Maintenance result: Platform 4.2 upgrade (CHG-1042)")
        assert "Result: in progress" in text
        assert "Draft: the change is in progress" in screen_text(app)
        await pilot.click("#notice-send")
        await pilot.pause()
        assert "This after notice is a draft" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert "Not sent: the after notice is kept as a draft." in screen_text(app)
    assert httpserver.log == []
    assert [e.notice for e in events_of(state_path, "notice_sent")] == [NoticeKind.BEFORE]
