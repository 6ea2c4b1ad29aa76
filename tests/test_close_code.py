"""The close-code rule, one outcome at a time, on the minimal plan (apply and login are critical)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relboard.domain.close_code import CloseCode, close_outcome
from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    IssueOpened,
    IssueUpdated,
    NoticeKind,
    NoticeSent,
    StepMarked,
    StepStatus,
)
from relboard.domain.state import WindowState
from tests.conftest import make_plan

PLAN = make_plan()
START = PLAN.window.start
STEPS = [s.id for s in PLAN.steps]  # confirm-scope, apply, login, notify-done


def at(minutes: int):
    return START + timedelta(minutes=minutes)


def marks(**statuses: StepStatus) -> list:
    """Every step passed unless given (step id with _ for -); PENDING leaves a step unmarked."""
    events = []
    for minute, step in enumerate(STEPS, start=1):
        status = statuses.get(step.replace("-", "_"), StepStatus.PASS)
        if status is not StepStatus.PENDING:
            events.append(
                StepMarked(at=at(minute * 5), by="Lee QA", step=step, status=status, note=f"{step} {status.value}")
            )
    return events


def after_notice(minutes: int = 50, delivered: bool = True) -> NoticeSent:
    return NoticeSent(at=at(minutes), by="Dana Ops", notice=NoticeKind.AFTER, delivered=delivered, channel="webhook")


def decision(kind: Decision, minutes: int = 40) -> DecisionRecorded:
    return DecisionRecorded(at=at(minutes), by="Sam Platform", decision=kind, rationale=f"{kind.value} because")


def outcome(events: list):
    return close_outcome(WindowState(PLAN, events))


def test_successful_when_every_step_passed_and_the_result_was_told():
    result = outcome([*marks(), after_notice()])
    assert result.code is CloseCode.SUCCESSFUL
    assert close_outcome(WindowState(PLAN, [*marks(), after_notice()])).code == "successful"


def test_a_skipped_non_critical_step_and_a_resolved_issue_are_still_successful():
    events = [
        *marks(confirm_scope=StepStatus.SKIP),
        IssueOpened(at=at(21), by="Lee QA", issue="w-1", title="Slow export", owner="Rio Product"),
        IssueUpdated(at=at(30), by="Lee QA", issue="w-1", changed=["resolved"], resolved=True),
        after_notice(),
    ]
    assert outcome(events).code is CloseCode.SUCCESSFUL


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([*marks(notify_done=StepStatus.FAIL), after_notice()], "step notify-done fail"),
        ([*marks(confirm_scope=StepStatus.BLOCKED), after_notice()], "step confirm-scope blocked"),
        ([*marks(notify_done=StepStatus.PENDING), after_notice()], "step notify-done never marked"),
        (
            [*marks(), IssueOpened(at=at(22), issue="w-1", title="Reports slow", owner="Rio Product"), after_notice()],
            "known issue still open: Reports slow",
        ),
        (
            [*marks(), IssueUpdated(at=at(22), issue="plan-1", changed=["owner"], owner=""), after_notice()],
            "no follow-up owner for: Report export slower for the first hour",
        ),
        (
            [
                *marks(),
                CriterionMarked(
                    at=at(30), by="Sam Platform", criterion="login-broken", tripped=True, reason="SSO flaky"
                ),
                after_notice(),
            ],
            "rollback criterion login-broken tripped",
        ),
        (marks(), "no delivered after-window notice recorded"),
        ([*marks(), after_notice(delivered=False)], "no delivered after-window notice recorded"),
    ],
    ids=[
        "non-critical-failed",
        "non-critical-blocked",
        "non-critical-not-run",
        "window-issue-open",
        "issue-without-owner",
        "criterion-tripped",
        "no-notice",
        "notice-not-delivered",
    ],
)
def test_successful_with_issues(events, reason):
    result = outcome(events)
    assert result.code is CloseCode.SUCCESSFUL_WITH_ISSUES
    assert reason in result.reasons


@pytest.mark.parametrize(
    ("statuses", "reason"),
    [
        ({"apply": StepStatus.FAIL}, "critical step apply fail"),
        ({"login": StepStatus.BLOCKED}, "critical step login blocked"),
        ({"login": StepStatus.SKIP}, "critical step login skip"),
        ({"login": StepStatus.PENDING}, "critical step login never marked"),
    ],
    ids=["failed", "blocked", "skipped", "never-marked"],
)
def test_unsuccessful_when_a_critical_step_did_not_pass(statuses, reason):
    result = outcome([*marks(**statuses), after_notice()])
    assert result.code is CloseCode.UNSUCCESSFUL
    assert reason in result.reasons


def test_a_window_left_on_pause_is_unsuccessful_through_its_unpassed_steps():
    events = [*marks(login=StepStatus.PENDING, notify_done=StepStatus.PENDING), decision(Decision.PAUSE)]
    assert outcome(events).code is CloseCode.UNSUCCESSFUL


def test_a_pause_does_not_spoil_a_window_that_then_passed():
    events = [decision(Decision.PAUSE, minutes=1), *marks(), after_notice()]
    assert outcome(events).code is CloseCode.SUCCESSFUL


def test_rolled_back_when_the_last_decision_is_rollback_whatever_the_checklist():
    events = [*marks(apply=StepStatus.FAIL), decision(Decision.ROLLBACK)]
    assert outcome(events).code is CloseCode.ROLLED_BACK
    # Even a checklist that passed afterwards: the change was taken out.
    assert outcome([decision(Decision.ROLLBACK, minutes=1), *marks(), after_notice()]).code is CloseCode.ROLLED_BACK


def test_rescheduled_when_the_last_decision_is_reschedule():
    events = [*marks(apply=StepStatus.PENDING, login=StepStatus.PENDING), decision(Decision.RESCHEDULE)]
    result = outcome(events)
    assert result.code is CloseCode.RESCHEDULED
    assert result.reasons == ("last decision: reschedule (Sam Platform)",)


def test_only_the_last_decision_counts():
    overturned = [
        decision(Decision.ROLLBACK, minutes=3),
        decision(Decision.CONTINUE, minutes=4),
        *marks(),
        after_notice(),
    ]
    assert outcome(overturned).code is CloseCode.SUCCESSFUL
    changed_mind = [decision(Decision.ROLLBACK, minutes=30), decision(Decision.RESCHEDULE, minutes=35)]
    assert outcome(changed_mind).code is CloseCode.RESCHEDULED


def test_close_codes_read_as_the_change_process_words():
    assert [c.value for c in CloseCode] == [
        "successful",
        "successful with issues",
        "unsuccessful",
        "rolled back",
        "rescheduled",
    ]


def test_a_criterion_left_unverified_is_an_issue_not_a_success():
    plan = make_plan(
        rollback={
            "criteria": [
                {"id": "no-scope", "condition": "Scope not confirmed", "trips_on": ["confirm-scope"]},
                {"id": "login-broken", "condition": "Login fails", "trips_on": ["login"]},
            ]
        }
    )
    events = [*marks(confirm_scope=StepStatus.SKIP), after_notice()]
    result = close_outcome(WindowState(plan, events))
    assert result.code is CloseCode.SUCCESSFUL_WITH_ISSUES
    assert result.reasons == ("rollback criterion no-scope unverified: confirm-scope was skipped",)
