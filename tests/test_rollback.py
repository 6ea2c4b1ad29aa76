from datetime import UTC, datetime, timedelta

from relboard.domain.clock import read_clock
from relboard.domain.events import CriterionMarked, DecisionRecorded, StepMarked, StepStatus
from relboard.domain.rollback import evaluate, recommendation
from relboard.domain.state import WindowState

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
    state.apply(DecisionRecorded(at=t(31), by="sam", decision="rollback", rationale="login down"))
    passed = read_clock(plan.window, t(95))
    assert recommendation(state, passed) == "Decided: rollback (sam). Criteria tripped: login-broken."
    state.apply(DecisionRecorded(at=t(96), by="rio", decision="continue", rationale="fixed forward"))
    assert recommendation(state, passed).startswith("Decided: continue (rio). Rollback criteria tripped: login-broken.")
    assert recommendation(state, passed).endswith(
        "The rollback deadline has passed: a rollback now overruns the window."
    )


def test_a_decision_made_before_a_later_mark_no_longer_stands(plan):
    state = WindowState(plan, [StepMarked(at=t(10), step="login", status=StepStatus.FAIL)])
    state.apply(DecisionRecorded(at=t(12), by="sam", decision="pause", rationale="look first"))
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
