"""The rules of recording, without a terminal: what each intent records, and each reason it is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from msgspec.structs import replace

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
from relboard.domain.intents import (
    AddNote,
    DecisionFields,
    IssueFields,
    MarkCriterion,
    MarkStep,
    OpenIssue,
    OpenWindow,
    RecordDecision,
    RecordNotice,
    RecordProbe,
    Refusal,
    ResolveIssue,
    Stamp,
    UpdateIssue,
)
from relboard.domain.state import WindowState
from relboard.window.recorder import READ_ONLY, Recorded, Recorder

AT = datetime(2026, 12, 5, 21, 30, tzinfo=UTC)
STAMP = Stamp(at=AT, by="lee", nonce="ab12")


@pytest.fixture
def state(plan) -> WindowState:
    return WindowState(plan)


def test_a_mark_records_who_when_and_what(state):
    event = MarkStep("login", StepStatus.FAIL, "500 on /login").event(state, STAMP)
    # Marked before the step it follows passed: allowed, and the event says what it waited on.
    assert event == StepMarked(
        at=AT, by="lee", step="login", status=StepStatus.FAIL, note="500 on /login", waited_on=["apply"]
    )


def test_a_mark_on_a_step_the_plan_does_not_have_is_refused(state):
    assert MarkStep("retired", StepStatus.PASS).event(state, STAMP) == Refusal(
        "there is no step 'retired' in the plan (was it renamed or removed?)"
    )


def test_the_same_mark_again_records_nothing_and_says_so(state):
    state.apply(StepMarked(at=AT, step="login", status=StepStatus.PASS))
    assert MarkStep("login", StepStatus.PASS).event(state, STAMP) == Refusal("login: already pass", already=True)
    # Another note, or another status, is news.
    assert isinstance(MarkStep("login", StepStatus.PASS, "again").event(state, STAMP), StepMarked)
    assert isinstance(MarkStep("login", StepStatus.FAIL).event(state, STAMP), StepMarked)


def test_a_note_needs_a_step_and_some_text(state):
    assert AddNote("login", "slow").event(state, STAMP) == NoteAdded(at=AT, by="lee", step="login", note="slow")
    assert AddNote("nope", "x").event(state, STAMP) == Refusal(
        "there is no step 'nope' in the plan (was it renamed or removed?)"
    )
    assert AddNote("login", "").event(state, STAMP) == Refusal("a note needs some text")


def test_an_issue_gets_a_numbered_id_with_the_recorders_nonce(state):
    fields = IssueFields(title="Export slow", owner="Rio")
    first = OpenIssue(fields).event(state, STAMP)
    assert isinstance(first, IssueOpened)
    assert first.issue == "issue-1-ab12"
    state.apply(first)
    second = OpenIssue(fields).event(state, Stamp(at=AT, by="lee", nonce="cd34"))
    assert isinstance(second, IssueOpened)
    # The plan's accepted issues (plan-N) do not count.
    assert second.issue == "issue-2-cd34"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (IssueFields(title="", owner="Rio"), "title", "Title is required."),
        (IssueFields(title="x", owner=" "), "owner", "Follow-up owner is required."),
        (IssueFields(title="x", owner="Rio", step="nope"), "step", "No step with id 'nope' in the plan."),
    ],
)
def test_an_issue_is_refused_for_each_missing_or_wrong_field(state, fields, field, reason):
    assert fields.problems(state) == {field: reason}
    assert OpenIssue(fields).event(state, STAMP) == Refusal(reason)


def test_an_update_records_only_what_changed_and_refuses_an_unknown_issue(state):
    plan_issue = state.issues["plan-1"]
    same = IssueFields(plan_issue.title, plan_issue.owner, plan_issue.impact, plan_issue.workaround, plan_issue.step)
    assert UpdateIssue("plan-1", same).event(state, STAMP) == Refusal("nothing changed", already=True)
    changed = UpdateIssue("plan-1", replace(same, owner="Dana")).event(state, STAMP)
    assert isinstance(changed, IssueUpdated)
    assert changed.changed == ["owner"]
    assert changed.owner == "Dana"
    assert UpdateIssue("issue-9", same).event(state, STAMP) == Refusal("there is no known issue 'issue-9'")


def test_resolving_twice_records_once(state):
    event = ResolveIssue("plan-1").event(state, STAMP)
    assert isinstance(event, IssueUpdated)
    assert event.resolved
    state.apply(event)
    again = ResolveIssue("plan-1").event(state, STAMP)
    assert again == Refusal(f"already resolved: {state.issues['plan-1'].title}", already=True)
    assert ResolveIssue("nope").event(state, STAMP) == Refusal("there is no known issue 'nope'")


def test_a_criterion_mark_needs_a_known_criterion_and_a_reason(state):
    event = MarkCriterion("login-broken", True, "customers call").event(state, STAMP)
    assert event == CriterionMarked(at=AT, by="lee", criterion="login-broken", tripped=True, reason="customers call")
    assert MarkCriterion("nope", True, "x").event(state, STAMP) == Refusal(
        "there is no rollback criterion 'nope' in the plan"
    )
    assert MarkCriterion("login-broken", False, "  ").event(state, STAMP) == Refusal(
        "say why: a criterion is marked with a reason"
    )


@pytest.mark.parametrize("decision", [Decision.ROLLBACK, Decision.RESCHEDULE])
def test_a_rollback_or_reschedule_needs_both_owners_and_the_impact(state, decision):
    bare = DecisionFields(decision, rationale="login down", by="Sam")
    word = decision.value
    assert bare.problems() == {
        "impact_statement": f"A {word} needs the impact statement.",
        "business_owner": f"A {word} needs the business owner's name.",
        "technical_owner": f"A {word} needs the technical owner's name.",
    }
    assert RecordDecision(bare).event(state, STAMP) == Refusal(f"A {word} needs the impact statement.")


def test_continue_and_pause_need_only_a_rationale_and_who_decided(state):
    assert DecisionFields(Decision.PAUSE, rationale="", by="").problems() == {
        "rationale": "Rationale is required.",
        "by": "Say who decided.",
    }
    state.apply(StepMarked(at=AT, step="login", status=StepStatus.FAIL))
    event = RecordDecision(DecisionFields(Decision.PAUSE, rationale="look first", by="Sam")).event(state, STAMP)
    assert isinstance(event, DecisionRecorded)
    # Who decided is who the form names, not the operator typing it in; the tripped criteria are kept.
    assert (event.by, event.tripped) == ("Sam", ["login-broken"])


def test_the_window_records_its_plan_once_per_version(state):
    event = OpenWindow("hash-1").event(state, STAMP)
    assert isinstance(event, PlanLoaded)
    assert event.step_ids == [s.id for s in state.plan.steps]
    state.apply(event)
    assert OpenWindow("hash-1").event(state, STAMP) == Refusal("the window already knows this plan", already=True)
    assert isinstance(OpenWindow("hash-2").event(state, STAMP), PlanLoaded)


def test_notices_and_probe_results_are_stamped_by_the_recorder(state):
    notice = RecordNotice(NoticeKind.AFTER, delivered=False, channel="webhook", detail="HTTP 500").event(state, STAMP)
    assert isinstance(notice, NoticeSent)
    assert (notice.at, notice.by, notice.delivered) == (AT, "lee", False)
    result = ProbeRan(at=datetime(2020, 1, 1, tzinfo=UTC), by="probe", step="login", outcome=ProbeOutcome.PASS)
    probe = RecordProbe(result).event(state, STAMP)
    assert isinstance(probe, ProbeRan)
    assert (probe.at, probe.by, probe.passed) == (AT, "lee", True)
    assert RecordProbe(replace(result, step="gone")).event(state, STAMP) == Refusal(
        "there is no step 'gone' in the plan (was it renamed or removed?)"
    )


def test_the_recorder_saves_then_folds_and_a_read_only_window_records_nothing(state):
    saved = []
    recorder = Recorder(state, saved.append, operator=lambda: "lee", now=lambda: AT)
    outcome = recorder.record(MarkStep("login", StepStatus.PASS))
    assert isinstance(outcome, Recorded)
    assert saved == [outcome.event]
    assert state.steps["login"].status is StepStatus.PASS
    viewer = Recorder(state, saved.append, operator=lambda: "viewer", now=lambda: AT, read_only=True)
    assert viewer.record(MarkStep("apply", StepStatus.PASS)) == READ_ONLY
    assert len(saved) == 1


def test_a_save_that_fails_folds_nothing(state):
    def full_disk(event):
        raise OSError(28, "No space left on device")

    recorder = Recorder(state, full_disk, operator=lambda: "lee", now=lambda: AT)
    with pytest.raises(OSError, match="No space"):
        recorder.record(MarkStep("login", StepStatus.PASS))
    assert state.steps["login"].status is StepStatus.PENDING
    assert state.events == []
