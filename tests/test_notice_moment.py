"""What the after notice says before, during and after the window, and which notice the moment calls for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relboard.domain.clock import read_clock
from relboard.domain.events import (
    Decision,
    DecisionRecorded,
    NoticeKind,
    NoticeSent,
    StepMarked,
    StepStarted,
    StepStatus,
)
from relboard.domain.notice_moment import Result, after_result, preview_choice
from relboard.domain.notices import draft_after
from relboard.domain.plan_model import model_of
from relboard.domain.state import WindowState
from relboard.store.plan_file import load_plan
from tests.conftest import ROOT, make_plan

PLAN = make_plan()  # confirm-scope (prepare), apply and login (critical), notify-done (communicate)
START = PLAN.window.start
BEFORE = START - timedelta(hours=204, minutes=38, seconds=25)
IN_WINDOW = START + timedelta(minutes=40)
AFTER = PLAN.window.end + timedelta(minutes=5)


def at(minutes: float):
    return START + timedelta(minutes=minutes)


def mark(step: str, status: StepStatus, minutes: float = 10) -> StepMarked:
    return StepMarked(at=at(minutes), by="Lee QA", step=step, status=status)


def result_line(text: str) -> str:
    (line,) = [line for line in text.splitlines() if "Result:" in line]
    return line


def test_before_the_window_the_result_is_not_started_never_failed():
    state = WindowState(PLAN)
    found = after_result(state, BEFORE)
    assert (found.result, found.final) == (Result.NOT_STARTED, False)
    text = draft_after(state, BEFORE)
    assert result_line(text) == (
        "Environment: prod-eu. Result: not started; the window starts 2026-12-05 22:00 UTC+01:00 (21:00 UTC)."
    )
    assert "failed" not in text.lower().replace("0 failed", "")


def test_in_the_window_the_result_is_in_progress_with_what_is_open():
    state = WindowState(PLAN, [mark("confirm-scope", StepStatus.PASS, 5), StepStarted(at=at(8), step="apply")])
    found = after_result(state, IN_WINDOW)
    assert (found.result, found.final) == (Result.IN_PROGRESS, False)
    assert found.unfinished == ("apply (in progress)", "login (pending)")
    assert result_line(draft_after(state, IN_WINDOW)) == (
        "Environment: prod-eu. Result: in progress; still open: apply (in progress), login (pending)."
    )
    state.apply(mark("apply", StepStatus.PASS, 20))
    state.apply(mark("login", StepStatus.BLOCKED, 30))
    assert after_result(state, IN_WINDOW).unfinished == ("login (blocked)",)


def test_a_failed_critical_step_with_another_still_open_is_in_progress_and_named():
    state = WindowState(PLAN, [mark("apply", StepStatus.FAIL)])
    text = draft_after(state, IN_WINDOW)
    assert result_line(text) == "Environment: prod-eu. Result: in progress; still open: login (pending)."
    assert "Failed critical steps: Apply the release (apply)" in text


def test_once_every_critical_step_is_final_the_window_has_its_result_even_before_the_end():
    state = WindowState(PLAN, [mark(s, StepStatus.PASS) for s in ("confirm-scope", "apply", "login")])
    found = after_result(state, IN_WINDOW)
    # The communicate step "notify-done" is not marked: the notice it sends does not decide the result.
    assert (found.result, found.final) == (Result.COMPLETE, True)
    state = WindowState(PLAN, [mark("apply", StepStatus.PASS), mark("login", StepStatus.FAIL)])
    assert after_result(state, IN_WINDOW).result == Result.FAILED


def test_after_the_window_open_critical_steps_mean_failed():
    state = WindowState(PLAN, [mark("apply", StepStatus.PASS)])
    found = after_result(state, AFTER)
    assert (found.result, found.final) == (Result.FAILED, True)
    assert after_result(state).result == Result.FAILED  # no moment given: the window's final word


def test_the_communicate_phase_never_decides_the_result():
    # Every validation passed; the "communicate completion" step, even critical and even failed, does not count.
    data = [model_of(s).model_dump(mode="json", exclude_none=True) for s in PLAN.steps]
    for step in data:
        if step["id"] == "notify-done":
            step["critical"] = True
    plan = make_plan(steps=data)
    changes = [mark(s, StepStatus.PASS) for s in ("confirm-scope", "apply", "login")]
    for extra in ([], [mark("notify-done", StepStatus.FAIL, 50)]):
        state = WindowState(plan, [*changes, *extra])
        assert after_result(state, AFTER).result == Result.COMPLETE
        assert "Result: complete." in draft_after(state, AFTER)


def test_the_demo_with_every_validation_passed_and_the_completion_step_unmarked_is_complete():
    demo = load_plan(ROOT / "sample_plans" / "demo.toml").plan
    events = [
        StepMarked(at=demo.window.start + timedelta(minutes=n), by="Lee", step=s.id, status=StepStatus.PASS)
        for n, s in enumerate(demo.steps)
        if s.id not in ("notify-done", "support-handover")
    ]
    state = WindowState(demo, events)
    assert "Result: complete." in draft_after(state, demo.window.end - timedelta(minutes=10))


def test_a_rollback_or_reschedule_ends_the_change_at_any_moment():
    for decision, word in ((Decision.ROLLBACK, Result.ROLLED_BACK), (Decision.RESCHEDULE, Result.RESCHEDULED)):
        state = WindowState(PLAN, [DecisionRecorded(at=at(30), by="Sam", decision=decision, rationale="no")])
        found = after_result(state, IN_WINDOW)
        assert (found.result, found.final) == (word, True)


def test_a_pause_in_the_window_is_not_the_final_word():
    state = WindowState(
        PLAN,
        [mark("apply", StepStatus.PASS), DecisionRecorded(at=at(30), by="Sam", decision=Decision.PAUSE, rationale="x")],
    )
    found = after_result(state, IN_WINDOW)
    assert (found.result, found.final, found.unfinished) == (Result.PAUSED, False, ("login (pending)",))
    assert result_line(draft_after(state, IN_WINDOW)) == (
        "Environment: prod-eu. Result: paused; still open: login (pending)."
    )


def test_work_begun_before_the_start_is_in_progress_not_not_started():
    state = WindowState(PLAN, [StepMarked(at=START - timedelta(minutes=30), step="apply", status=StepStatus.PASS)])
    assert after_result(state, START - timedelta(minutes=10)).result == Result.IN_PROGRESS


def choice(events, moment):
    found = preview_choice(WindowState(PLAN, events), read_clock(PLAN.window, moment))
    return found.kind, found.draft


BEFORE_SENT = NoticeSent(at=START - timedelta(hours=1), notice=NoticeKind.BEFORE, delivered=True)
PAUSE = DecisionRecorded(at=at(30), by="Sam", decision=Decision.PAUSE, rationale="slow")


@pytest.mark.parametrize(
    ("events", "moment", "expected"),
    [
        ([], BEFORE, (NoticeKind.BEFORE, False)),
        ([BEFORE_SENT], BEFORE, (NoticeKind.BEFORE, False)),
        (
            [DecisionRecorded(at=BEFORE, by="Sam", decision=Decision.RESCHEDULE, rationale="vendor not ready")],
            BEFORE + timedelta(minutes=1),
            (NoticeKind.DECISION, False),
        ),
        ([], IN_WINDOW, (NoticeKind.BEFORE, False)),
        ([NoticeSent(at=START, notice=NoticeKind.BEFORE, delivered=False)], IN_WINDOW, (NoticeKind.BEFORE, False)),
        ([BEFORE_SENT], IN_WINDOW, (NoticeKind.AFTER, True)),
        ([BEFORE_SENT, PAUSE], IN_WINDOW, (NoticeKind.DECISION, False)),
        ([PAUSE], IN_WINDOW, (NoticeKind.DECISION, False)),
        (
            [BEFORE_SENT, PAUSE, NoticeSent(at=at(31), notice=NoticeKind.DECISION, delivered=True)],
            IN_WINDOW,
            (NoticeKind.AFTER, True),
        ),
        ([], AFTER, (NoticeKind.AFTER, False)),
        ([PAUSE], AFTER, (NoticeKind.AFTER, False)),
    ],
    ids=[
        "before",
        "before-already-sent",
        "before-a-reschedule-not-announced",
        "in-window-before-never-sent",
        "in-window-before-not-delivered",
        "in-window-after-as-draft",
        "in-window-pause-not-announced",
        "in-window-pause-first",
        "in-window-pause-announced",
        "after",
        "after-with-a-pause-not-announced",
    ],
)
def test_the_preview_default_follows_the_moment(events, moment, expected):
    assert choice(events, moment) == expected
