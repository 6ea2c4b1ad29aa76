from datetime import UTC, datetime, timedelta

from relboard.domain.clock import read_clock
from relboard.domain.events import CriterionMarked, Decision, DecisionRecorded, StepMarked, StepStarted, StepStatus
from relboard.domain.plan_model import model_of
from relboard.domain.rollback import CriterionState, criterion_steps, evaluate, recommendation
from relboard.domain.state import WindowState
from relboard.store.plan_file import load_plan
from tests.conftest import ROOT, make_plan

START = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)


def t(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def tripped(state):
    return {s.criterion.id: s.tripped for s in evaluate(state)}


def test_a_criterion_trips_when_a_linked_step_fails(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.FAIL, note="500 on /login")])
    assert tripped(state) == {"login-broken": True}
    assert evaluate(state)[0].why == "failed: login"


def test_an_operator_can_clear_and_mark_a_criterion_with_a_reason(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.FAIL)])
    state.apply(
        CriterionMarked(at=t(11), by="sam", criterion="login-broken", tripped=False, reason="one test tenant only")
    )
    assert tripped(state) == {"login-broken": False}
    assert evaluate(state)[0].why == "cleared by sam: one test tenant only"
    # A new failure after the clearing trips it again.
    state.apply(StepMarked(at=t(12), step="login", status=StepStatus.PASS))
    state.apply(StepMarked(at=t(13), step="login", status=StepStatus.FAIL))
    assert tripped(state) == {"login-broken": True}
    state.apply(CriterionMarked(at=t(14), by="rio", criterion="login-broken", tripped=True, reason="customers call"))
    assert tripped(state) == {"login-broken": True}


def test_recommendation_in_plain_words(plan):
    state = WindowState(plan)
    in_window = read_clock(plan.window, t(30))
    assert recommendation(state, in_window) == "No criterion tripped: continue."
    near = read_clock(plan.window, t(80))
    assert recommendation(state, near) == (
        "Rollback deadline in 0:10:00: confirm with Sam Platform and Rio Product that the release continues."
    )
    state.apply(StepMarked(at=t(20), step="login", status=StepStatus.FAIL))
    assert recommendation(state, in_window) == (
        "Rollback criteria tripped: login-broken. Decide with Sam Platform and Rio Product now: pause, roll back"
        " or reschedule. 1:00:00 left to decide."
    )
    state.apply(DecisionRecorded(at=t(31), by="sam", decision=Decision.ROLLBACK, rationale="login down"))
    passed = read_clock(plan.window, t(95))
    assert recommendation(state, passed) == "Decided: rollback (sam). Criteria tripped: login-broken."
    state.apply(DecisionRecorded(at=t(96), by="rio", decision=Decision.CONTINUE, rationale="fixed forward"))
    assert recommendation(state, passed).startswith("Decided: continue (rio). Rollback criteria tripped: login-broken.")
    assert recommendation(state, passed).endswith(
        "The rollback deadline has passed: a rollback now overruns the window."
    )


def test_a_decision_made_before_a_later_mark_no_longer_stands(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.FAIL)])
    state.apply(DecisionRecorded(at=t(12), by="sam", decision=Decision.PAUSE, rationale="look first"))
    in_window = read_clock(plan.window, t(30))
    assert recommendation(state, in_window) == "Decided: pause (sam). Criteria tripped: login-broken."
    # Marked tripped again after the decision: the decision no longer answers it.
    state.apply(CriterionMarked(at=t(20), by="rio", criterion="login-broken", tripped=True, reason="worse"))
    assert recommendation(state, in_window).startswith("Rollback criteria tripped: login-broken. Decide with")


def test_a_failure_before_the_operator_cleared_it_stays_cleared(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.FAIL)])
    state.apply(CriterionMarked(at=t(11), by="sam", criterion="login-broken", tripped=False, reason="known"))
    assert tripped(state) == {"login-broken": False}
    # The same failure seen again (another writer's copy, stamped earlier) does not undo the clearing.
    state.apply(StepMarked(at=t(10), step="login", status=StepStatus.FAIL, by="lee"))
    assert tripped(state) == {"login-broken": False}


# -- blocked, skipped and never-marked linked steps (a criterion is ok, tripped or unverified) --------


def states(state):
    return {s.criterion.id: s.state for s in evaluate(state)}


def test_a_blocked_linked_step_trips_its_criterion_as_a_failure_does(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.BLOCKED, note="no test tenant")])
    (status,) = evaluate(state)
    assert status.state is CriterionState.TRIPPED
    assert status.tripped
    assert status.why == "blocked: login"
    assert status.tripping == (("login", StepStatus.BLOCKED),)
    assert recommendation(state, read_clock(plan.window, t(30))).startswith(
        "Rollback criteria tripped: login-broken. Decide with"
    )


def test_a_skipped_linked_step_leaves_its_criterion_unverified_never_ok(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.SKIP, note="no time")])
    (status,) = evaluate(state)
    assert status.state is CriterionState.UNVERIFIED
    assert not status.tripped
    assert status.why == "unverified: login was skipped"
    assert status.warning == (
        "login-broken is unverified (login was skipped): nothing has checked it. Check it by hand, then mark it"
        " tripped or cleared with the reason."
    )
    advice = recommendation(state, read_clock(plan.window, t(30)))
    assert "continue" not in advice
    assert advice == (
        "Unverified: login-broken (login was skipped): check by hand and mark them. No criterion tripped."
    )


def test_an_operator_clearing_a_skipped_criterion_makes_it_ok_until_it_is_skipped_again(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.SKIP)])
    state.apply(CriterionMarked(at=t(11), by="sam", criterion="login-broken", tripped=False, reason="checked by hand"))
    assert states(state) == {"login-broken": CriterionState.OK}
    assert evaluate(state)[0].warning == ""
    state.apply(StepMarked(at=t(12), step="login", status=StepStatus.PASS))
    state.apply(StepMarked(at=t(13), step="login", status=StepStatus.SKIP))
    assert states(state) == {"login-broken": CriterionState.UNVERIFIED}


def test_a_failure_beside_a_skip_trips(plan):
    plan = make_plan(
        rollback={"criteria": [{"id": "either", "condition": "Apply or login broken", "trips_on": ["apply", "login"]}]}
    )
    state = WindowState(
        plan,
        [
            StepMarked(at=t(5), step="apply", status=StepStatus.FAIL),
            StepMarked(at=t(6), step="login", status=StepStatus.SKIP),
        ],
    )
    (status,) = evaluate(state)
    assert status.state is CriterionState.TRIPPED
    assert status.why == "failed: apply; unverified: login was skipped"


# The minimal plan's phases: confirm-scope (prepare), apply (apply, critical), login (validate,
# critical), notify-done (communicate). A criterion on the prepare step, like the demo's no-backup.
SCOPE_CRITERION = {
    "criteria": [
        {"id": "no-scope", "condition": "Scope not confirmed before applying", "trips_on": ["confirm-scope"]},
        {"id": "login-broken", "condition": "Login fails", "trips_on": ["login"]},
    ]
}


def test_a_pending_linked_step_is_unverified_once_a_critical_step_of_a_later_phase_begins():
    plan = make_plan(rollback=SCOPE_CRITERION)
    state = WindowState(plan)
    assert states(state) == {"no-scope": CriterionState.OK, "login-broken": CriterionState.OK}
    state.apply(StepStarted(at=t(20), by="sam", step="apply"))
    assert states(state) == {"no-scope": CriterionState.UNVERIFIED, "login-broken": CriterionState.OK}
    status = evaluate(state)[0]
    assert status.why == "unverified: confirm-scope is still pending while apply has begun"
    assert "No criterion tripped: continue." not in recommendation(state, read_clock(plan.window, t(30)))
    # Passing the linked step late verifies it.
    state.apply(StepMarked(at=t(25), step="confirm-scope", status=StepStatus.PASS))
    assert states(state) == {"no-scope": CriterionState.OK, "login-broken": CriterionState.OK}


def test_the_apply_step_marked_with_the_prepare_step_never_marked_and_validation_begun():
    plan = make_plan(rollback=SCOPE_CRITERION)
    state = WindowState(plan, [StepMarked(at=t(20), step="apply", status=StepStatus.PASS)])
    assert states(state)["no-scope"] is CriterionState.UNVERIFIED
    # login (validate) pending while nothing of a later phase than validate began: still ok.
    assert states(state)["login-broken"] is CriterionState.OK
    # The apply step pending, login (a later phase) marked: apply's criterion would be unverified.
    plan2 = make_plan(
        rollback={"criteria": [{"id": "apply-broken", "condition": "Apply fails", "trips_on": ["apply"]}]}
    )
    state2 = WindowState(plan2, [StepMarked(at=t(20), step="login", status=StepStatus.PASS)])
    assert states(state2) == {"apply-broken": CriterionState.UNVERIFIED}


def test_the_communicate_phase_and_non_critical_steps_never_move_the_change_on():
    plan = make_plan(rollback=SCOPE_CRITERION)
    data_steps = [model_of(s).model_dump(mode="json", exclude_none=True) for s in plan.steps]
    for step in data_steps:
        if step["id"] == "notify-done":
            step["critical"] = True  # a critical communicate step, like the demo's start notice
    data_steps.append({"id": "pause-jobs", "phase": "apply", "title": "Pause jobs", "owner": "Sam", "after": []})
    plan = make_plan(rollback=SCOPE_CRITERION, steps=data_steps)
    state = WindowState(
        plan,
        [
            StepMarked(at=t(1), step="notify-done", status=StepStatus.PASS),
            StepMarked(at=t(2), step="pause-jobs", status=StepStatus.PASS),
        ],
    )
    assert states(state)["no-scope"] is CriterionState.OK


def test_a_clearing_stands_for_what_it_saw_a_later_phase_beginning_after_it_is_news():
    plan = make_plan(rollback=SCOPE_CRITERION)
    cleared_first = WindowState(
        plan,
        [
            CriterionMarked(at=t(5), by="sam", criterion="no-scope", tripped=False, reason="false alarm"),
            StepStarted(at=t(20), by="sam", step="apply"),
        ],
    )
    assert states(cleared_first)["no-scope"] is CriterionState.UNVERIFIED
    cleared_after = WindowState(
        plan,
        [
            StepStarted(at=t(20), by="sam", step="apply"),
            CriterionMarked(at=t(21), by="sam", criterion="no-scope", tripped=False, reason="scope confirmed by phone"),
        ],
    )
    assert states(cleared_after)["no-scope"] is CriterionState.OK
    assert evaluate(cleared_after)[0].why == "cleared by sam: scope confirmed by phone"


def test_the_demo_backup_blocked_trips_no_backup_and_never_marked_before_apply_is_unverified():
    demo = load_plan(ROOT / "sample_plans" / "demo.toml").plan
    start = demo.window.start
    blocked = WindowState(
        demo, [StepMarked(at=start, by="sam", step="backup", status=StepStatus.BLOCKED, note="snapshot tool down")]
    )
    status = {s.criterion.id: s for s in evaluate(blocked)}["no-backup"]
    assert status.state is CriterionState.TRIPPED
    advice = recommendation(blocked, read_clock(demo.window, start + timedelta(minutes=5)))
    assert advice.startswith("Rollback criteria tripped: no-backup.")
    assert "No criterion tripped" not in advice

    # The start notice (communicate, critical) going out first moves nothing on; the apply step does.
    never = WindowState(demo, [StepMarked(at=start, by="dana", step="notify-start", status=StepStatus.PASS)])
    assert {s.criterion.id: s.state for s in evaluate(never)}["no-backup"] is CriterionState.OK
    never.apply(StepMarked(at=start + timedelta(minutes=40), by="sam", step="apply", status=StepStatus.PASS))
    status = {s.criterion.id: s for s in evaluate(never)}["no-backup"]
    assert status.state is CriterionState.UNVERIFIED
    assert status.why == "unverified: backup is still pending while apply has begun"


def test_the_steps_that_can_change_a_criterion(plan):
    assert criterion_steps(plan) == {"login", "apply"}
    assert criterion_steps(make_plan(rollback=SCOPE_CRITERION)) == {"confirm-scope", "login", "apply"}


def test_the_handover_and_the_report_show_an_unverified_criterion():
    from relboard.domain.handover import handover_summary
    from relboard.domain.report import build_report
    from relboard.domain.report_markdown import render_markdown

    plan = make_plan(rollback=SCOPE_CRITERION)
    state = WindowState(plan, [StepMarked(at=t(20), by="sam", step="apply", status=StepStatus.PASS)])
    summary = handover_summary(state, t(30), "sam", "rio")
    assert "Rollback criteria tripped: none" in summary.splitlines()
    assert "Rollback criteria unverified (check by hand):" in summary.splitlines()
    assert (
        "  - no-scope: Scope not confirmed before applying (unverified: confirm-scope is still pending while apply"
        " has begun)" in summary.splitlines()
    )
    report = render_markdown(build_report(state))
    assert (
        "| no-scope | Scope not confirmed before applying | unverified"
        " | unverified: confirm-scope is still pending while apply has begun |" in report
    )
    assert "| login-broken | Login fails | not tripped |  |" in report
