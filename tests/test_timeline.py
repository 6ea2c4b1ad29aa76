"""The timeline: events in plain words, the window's milestones, time order, overrun."""

from __future__ import annotations

from datetime import UTC, timedelta

from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeOutcome,
    ProbeRan,
    StepMarked,
    StepStatus,
)
from relboard.domain.state import WindowState
from relboard.domain.timeline import activity_span, timeline
from tests.conftest import make_plan

PLAN = make_plan()  # 22:00+01:00 for 2h, rollback takes 30m
START = PLAN.window.start


def at(minutes: float):
    return START + timedelta(minutes=minutes)


def entries(events, now=None):
    return timeline(WindowState(PLAN, events), now)


def test_an_empty_window_shows_its_milestones_in_order():
    result = entries([])
    assert [(e.at, e.kind, e.who) for e in result] == [
        (START, "window_start", ""),
        (at(90), "rollback_deadline", ""),
        (at(120), "window_end", ""),
    ]
    assert result[0].text == "Window starts (planned 2h)"
    assert "rollback takes 30m" in result[1].text
    assert all(e.milestone for e in result)


def test_events_are_sorted_by_time_not_journal_order_and_ties_keep_journal_order():
    # A second writer appended an earlier mark later; UTC and +01:00 times compare as instants.
    late = StepMarked(at=at(30), by="Sam Platform", step="apply", status=StepStatus.PASS)
    early = StepMarked(at=at(10).astimezone(UTC), by="Lee QA", step="confirm-scope", status=StepStatus.PASS)
    tie_a = NoteAdded(at=at(30), by="a", step="apply", note="first")
    tie_b = NoteAdded(at=at(30), by="b", step="apply", note="second")
    result = [e for e in entries([late, early, tie_a, tie_b]) if not e.milestone]
    assert [e.who for e in result] == ["Lee QA", "Sam Platform", "a", "b"]


def test_a_milestone_reads_before_an_event_at_the_same_instant():
    result = entries([StepMarked(at=START, by="Sam Platform", step="apply", status=StepStatus.PASS)])
    assert [e.kind for e in result[:2]] == ["window_start", "step_marked"]


def test_each_kind_of_event_in_plain_words():
    events = [
        PlanLoaded(at=at(-5), by="Sam Platform", plan_hash="abcdef0123456789abcdef", step_ids=["a", "b"]),
        StepMarked(at=at(1), by="Lee QA", step="login", status=StepStatus.FAIL, note="SSO returns 500"),
        StepMarked(at=at(2), by="Lee QA", step="confirm-scope", status=StepStatus.SKIP),
        NoteAdded(at=at(3), by="Lee QA", step="apply", note="migration at 60%"),
        IssueOpened(
            at=at(4), by="Lee QA", issue="w-1", title="Export slow", workaround="Retry later", owner="Rio Product"
        ),
        IssueUpdated(at=at(5), by="Lee QA", issue="w-1", changed=["title"], title="Export slow for big tenants"),
        IssueUpdated(at=at(6), by="Lee QA", issue="w-1", changed=["resolved"], resolved=True),
        IssueUpdated(at=at(7), by="Lee QA", issue="plan-1", changed=["owner", "workaround"], owner="Lee QA"),
        CriterionMarked(at=at(8), by="Sam Platform", criterion="login-broken", tripped=True, reason="SSO down"),
        CriterionMarked(at=at(9), by="Sam Platform", criterion="login-broken", tripped=False, reason=""),
        DecisionRecorded(
            at=at(10), by="Sam Platform", decision=Decision.ROLLBACK, rationale="SSO down", tripped=["login-broken"]
        ),
        ProbeRan(at=at(11), by="probe", step="login", outcome=ProbeOutcome.PASS, status_code=200, latency_ms=84.6),
        ProbeRan(at=at(12), by="probe", step="gone", outcome=ProbeOutcome.FAIL, reason="connection refused"),
        NoticeSent(
            at=at(13), by="Dana Ops", notice=NoticeKind.DECISION, delivered=True, channel="webhook", detail="HTTP 200"
        ),
        NoticeSent(
            at=at(14), by="Dana Ops", notice=NoticeKind.AFTER, delivered=False, channel="webhook", detail="timed out"
        ),
    ]
    texts = [(e.kind, e.who, e.text) for e in entries(events) if not e.milestone]
    assert texts == [
        ("plan_loaded", "Sam Platform", "Plan loaded: 2 steps (plan abcdef012345)"),
        (
            "step_marked",
            "Lee QA",
            "Step fail: Validate login and tenant access (login) — SSO returns 500"
            " (trips rollback criterion login-broken)",
        ),
        ("step_marked", "Lee QA", "Step skip: Confirm the exact environment and release scope (confirm-scope)"),
        ("note_added", "Lee QA", "Note on Apply the release (apply) — migration at 60%"),
        ("issue_opened", "Lee QA", "Issue opened: Export slow (workaround: Retry later; owner: Rio Product)"),
        ("issue_updated", "Lee QA", "Issue updated: Export slow for big tenants (changed: title)"),
        ("issue_updated", "Lee QA", "Issue resolved: Export slow for big tenants"),
        (
            "issue_updated",
            "Lee QA",
            "Issue updated: Report export slower for the first hour (changed: owner, workaround)",
        ),
        ("criterion_marked", "Sam Platform", "Rollback criterion tripped: login-broken — SSO down"),
        ("criterion_marked", "Sam Platform", "Rollback criterion cleared: login-broken"),
        ("decision_recorded", "Sam Platform", "Decision: rollback — SSO down (criteria: login-broken)"),
        ("probe_ran", "probe", "Probe passed: Validate login and tenant access (login) (HTTP 200, 85 ms)"),
        ("probe_ran", "probe", "Probe failed: gone (not in the plan) — connection refused"),
        ("notice_sent", "Dana Ops", "Notice sent: decision via webhook — HTTP 200"),
        ("notice_sent", "Dana Ops", "Notice NOT delivered: after via webhook — timed out"),
    ]


def test_texts_are_single_lines_without_control_characters():
    note = "line one\nline two\x1b[31m red\x07\r\n\x9b2J end"
    [entry] = [
        e
        for e in entries(
            [StepMarked(at=at(1), by="Lee\x1b]0;x\x07 QA", step="apply", status=StepStatus.FAIL, note=note)]
        )
        if not e.milestone
    ]
    assert entry.text == "Step fail: Apply the release (apply) — line one line two red end"
    assert entry.who == "Lee QA"
    [separated] = [
        e for e in entries([NoteAdded(at=at(2), step="apply", note="  a\u2028b\u2029\tc  ")]) if not e.milestone
    ]
    assert separated.text == "Note on Apply the release (apply) — a b c"


def test_no_overrun_while_the_last_event_is_inside_the_window():
    kinds = [e.kind for e in entries([StepMarked(at=at(119), step="apply", status=StepStatus.PASS)])]
    assert "overrun" not in kinds


def test_overrun_is_measured_at_the_last_event_and_reads_after_it():
    events = [
        PlanLoaded(at=at(-600), plan_hash="h", step_ids=[]),  # opening the plan early is not work on the change
        StepMarked(at=at(145), by="Lee QA", step="login", status=StepStatus.PASS),
        StepMarked(at=at(5), by="Sam Platform", step="apply", status=StepStatus.PASS),
    ]
    result = entries(events)
    assert [e.kind for e in result][-3:] == ["window_end", "step_marked", "overrun"]
    overrun = result[-1]
    assert overrun.at == at(145)
    assert overrun.text == "Overrun: 0:25:00 past the planned end, at the last recorded event"
    assert activity_span(WindowState(PLAN, events)) == (at(5), at(145))
    assert activity_span(WindowState(PLAN, events[:1])) is None


def test_a_running_window_past_its_end_shows_the_overrun_so_far():
    result = entries([StepMarked(at=at(30), step="apply", status=StepStatus.PASS)], now=at(130))
    assert result[-1].kind == "overrun"
    assert result[-1].at == at(130)
    assert result[-1].text == "Overrun: 0:10:00 past the planned end, so far"
    assert "overrun" not in [e.kind for e in entries([], now=at(100))]


def test_a_start_and_a_mark_made_while_waiting_read_as_such():
    from relboard.domain.events import StepStatus
    from relboard.domain.step_events import mark_event, start_event
    from tests.test_forecast import SEQUENTIAL, t, window_of

    state = window_of(*SEQUENTIAL)
    state.apply(start_event(state, "apply", at=t(22, 5), by="sam"))
    state.apply(mark_event(state, "login", StepStatus.PASS, at=t(22, 6), by="lee"))
    texts = [(e.kind, e.text) for e in timeline(state) if not e.milestone]
    assert texts == [
        ("step_started", "Step started: Do apply (apply) (while it waited on scope)"),
        ("step_marked", "Step pass: Do login (login) (while it waited on apply)"),
    ]
