from datetime import UTC, datetime, timedelta

import pytest

from relboard.domain import progress
from relboard.domain.events import (
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

T0 = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)


def t(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_fresh_state_has_every_step_pending_and_the_plans_known_issues(plan):
    state = WindowState(plan)
    assert {s: v.status for s, v in state.steps.items()} == {
        "confirm-scope": StepStatus.PENDING,
        "apply": StepStatus.PENDING,
        "login": StepStatus.PENDING,
        "notify-done": StepStatus.PENDING,
    }
    assert [(i.id, i.title, i.owner, i.from_plan) for i in state.issues.values()] == [
        ("plan-1", "Report export slower for the first hour", "Rio Product", True)
    ]


def test_the_latest_mark_wins_whatever_order_writers_appended_in(plan):
    late = StepMarked(at=t(5), by="board", step="login", status=StepStatus.PASS)
    early = StepMarked(at=t(3), by="script", step="login", status=StepStatus.FAIL, note="timeout")
    state = WindowState(plan, [late, early])
    assert (state.steps["login"].status, state.steps["login"].by) == (StepStatus.PASS, "board")
    assert state.events == [late, early]


def test_a_step_gets_a_state_of_its_own_at_its_first_event(plan):
    state = WindowState(plan, [StepMarked(at=t(1), by="a", step="apply", status=StepStatus.PASS)])
    state.apply(NoteAdded(at=t(2), by="b", step="login", note="slow"))
    assert {s: v.status for s, v in state.steps.items()} == {
        "confirm-scope": StepStatus.PENDING,
        "apply": StepStatus.PASS,
        "login": StepStatus.PENDING,
        "notify-done": StepStatus.PENDING,
    }
    assert [n.note for n in state.steps["login"].notes] == ["slow"]
    assert [len(state.steps[s].history) for s in state.steps] == [0, 1, 1, 0]
    # The steps without an event share one state, which refuses a change made around the fold.
    with pytest.raises(AttributeError):
        state.steps["notify-done"].status = StepStatus.FAIL
    assert state.steps["confirm-scope"].status is StepStatus.PENDING
    assert state.steps["confirm-scope"] == WindowState(plan).steps["notify-done"]


def test_notes_issues_decisions_and_notices_fold(plan):
    state = WindowState(
        plan,
        [
            NoteAdded(at=t(1), by="a", step="apply", note="started"),
            IssueOpened(at=t(2), by="a", issue="w1", title="Slow login", owner=""),
            IssueUpdated(at=t(3), by="b", issue="w1", changed=["owner"], owner="Lee QA", title="ignored"),
            IssueUpdated(at=t(4), by="b", issue="plan-1", changed=["resolved"], resolved=True),
            DecisionRecorded(at=t(5), by="a", decision=Decision.CONTINUE, rationale="all good"),
            NoticeSent(at=t(6), by="a", notice=NoticeKind.AFTER, delivered=True, channel="manual"),
        ],
    )
    assert [n.note for n in state.steps["apply"].notes] == ["started"]
    assert (state.issues["w1"].title, state.issues["w1"].owner) == ("Slow login", "Lee QA")
    assert [i.id for i in state.open_issues] == ["w1"]
    assert state.last_decision.rationale == "all good"
    assert state.completion_notice_recorded


def test_a_failed_probe_marks_its_step_failed_until_a_later_hand_mark(plan):
    state = WindowState(
        plan, [ProbeRan(at=t(1), step="login", outcome=ProbeOutcome.FAIL, status_code=500, reason="HTTP 500")]
    )
    assert state.steps["login"].status is StepStatus.FAIL
    state.apply(StepMarked(at=t(2), by="lee", step="login", status=StepStatus.PASS, note="checked by hand"))
    assert state.steps["login"].status is StepStatus.PASS


def test_events_for_steps_no_longer_in_the_plan_are_kept_but_not_shown(plan):
    gone = StepMarked(at=t(1), step="removed-step", status=StepStatus.PASS)
    state = WindowState(plan, [gone])
    assert "removed-step" not in state.steps
    assert state.events == [gone]


def test_plan_change_names_added_and_removed_steps(plan):
    before = PlanLoaded(at=t(0), plan_hash="old", step_ids=["confirm-scope", "old-step", "login"])
    state = WindowState(plan, [before])
    change = state.plan_change("new")
    assert change.added == ("apply", "notify-done")
    assert change.removed == ("old-step",)
    assert state.plan_change("old") is None


def copies(texts):
    """Equal strings that are not the same objects, as a journal read from disk gives them."""
    return ["".join(list(text)) for text in texts]


def test_the_record_of_an_unchanged_plan_holds_the_plans_own_step_ids(plan):
    read = copies(s.id for s in plan.steps)
    assert not any(a is s.id for a, s in zip(read, plan.steps, strict=True))
    state = WindowState(plan, [PlanLoaded(at=t(0), plan_hash="same", step_ids=read)])
    held = state.last_plan.step_ids
    assert held == [s.id for s in plan.steps]
    assert all(a is s.id for a, s in zip(held, plan.steps, strict=True))


def test_the_record_of_another_plan_keeps_its_own_step_ids(plan):
    read = copies(s.id for s in plan.steps[1:])
    state = WindowState(plan, [PlanLoaded(at=t(0), plan_hash="old", step_ids=read)])
    assert state.last_plan.step_ids is read
    assert state.plan_change("new").added == (plan.steps[0].id,)


def test_progress_and_completion_follow_the_seed(plan):
    state = WindowState(plan)
    assert progress.completion_blockers(state) == [
        "critical step apply is pending",
        "critical step login is pending",
        "completion notice not recorded",
    ]
    for minute, step in enumerate(["confirm-scope", "apply", "login"]):
        state.apply(StepMarked(at=t(minute), step=step, status=StepStatus.PASS))
    state.apply(StepMarked(at=t(9), step="notify-done", status=StepStatus.SKIP))
    state.apply(IssueOpened(at=t(10), issue="w1", title="Ownerless"))
    assert progress.completion_blockers(state) == [
        "open known issue 'Ownerless' has no follow-up owner",
        "completion notice not recorded",
    ]
    state.apply(IssueUpdated(at=t(11), issue="w1", changed=["owner"], owner="Dana Ops"))
    state.apply(NoticeSent(at=t(12), notice=NoticeKind.AFTER, delivered=True))
    assert progress.is_complete(state)
    assert [(p.label, p.done, p.total) for p in progress.by_phase(state)] == [
        ("prepare", 1, 1),
        ("apply", 1, 1),
        ("validate", 1, 1),
        ("communicate", 1, 1),
    ]
    assert progress.overall(state).done == progress.overall(state).total
