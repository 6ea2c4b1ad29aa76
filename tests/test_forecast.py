"""The forecast against the rollback deadline, on small plans with a frozen clock.

The minimal plan's window runs 22:00 to 00:00 (+01:00) with a 30-minute rollback: the decision is due
at 23:30.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relboard.domain.dependencies import Readiness
from relboard.domain.events import StepStarted, StepStatus
from relboard.domain.forecast import Forecaster, Verdict, forecast
from relboard.domain.state import WindowState
from relboard.domain.step_events import mark_event, start_event
from tests.conftest import make_plan

CET = timezone(timedelta(hours=1))
CRITERIA = {"criteria": [{"id": "c", "condition": "Anything fails", "trips_on": []}]}


def t(hh: int, mm: int = 0) -> datetime:
    day = 5 if hh >= 12 else 6
    return datetime(2026, 12, day, hh, mm, tzinfo=CET)


def step(step_id: str, phase: str, expected: str | None = None, after=None, critical: bool = False) -> dict:
    data: dict = {"id": step_id, "phase": phase, "title": f"Do {step_id}", "owner": "Sam", "critical": critical}
    if expected is not None:
        data["expected"] = expected
    if after is not None:
        data["after"] = after
    return data


def window_of(*steps: dict, **window) -> WindowState:
    return WindowState(make_plan(steps=list(steps), rollback={"impact_statement": "Restore", **CRITERIA}, **window))


def passed(state: WindowState, step_id: str, at: datetime) -> None:
    state.apply(mark_event(state, step_id, StepStatus.PASS, at=at, by="sam"))


def started(state: WindowState, step_id: str, at: datetime) -> None:
    state.apply(start_event(state, step_id, at=at, by="sam"))


SEQUENTIAL = (
    step("scope", "prepare", "10m"),
    step("apply", "apply", "30m"),
    step("login", "validate", "20m", critical=True),
    step("notify", "communicate", "10m"),
)


def test_sequential_plan_adds_up_its_expectations_from_the_window_start():
    found = forecast(window_of(*SEQUENTIAL), t(21, 30))
    assert found.pace == 1.0
    assert found.validated_by == t(23, 0)
    assert found.finish == t(23, 10)
    assert found.deadline_margin == timedelta(minutes=30)
    assert found.end_margin == timedelta(minutes=50)
    assert found.margin == timedelta(minutes=30)
    assert found.verdict is Verdict.ON_TRACK
    assert not found.validated
    assert not found.finished


def test_parallel_tracks_count_only_the_longest_path():
    state = window_of(
        step("scope", "prepare", "10m"),
        step("apply", "apply", "30m"),
        step("reports", "validate", "20m", after=["apply"]),
        step("integrations", "validate", "50m", after=["apply"], critical=True),
        step("notes", "communicate", "15m", after=[]),
        step("notify", "communicate", "10m", after=["reports", "integrations"]),
    )
    found = forecast(state, t(22, 0))
    # scope 10 + apply 30 + integrations 50; the notes track runs beside it.
    assert found.validated_by == t(23, 30)
    assert found.finish == t(23, 40)
    assert found.deadline_margin == timedelta(0)
    assert found.verdict is Verdict.AT_RISK


def test_a_slow_pace_stretches_what_is_left_and_the_verdict_turns():
    state = window_of(*SEQUENTIAL)
    passed(state, "scope", t(22, 20))  # 10 minutes expected, 20 taken from the window start
    found = forecast(state, t(22, 20))
    assert found.pace == 2.0
    assert found.validated_by == t(22, 20) + timedelta(minutes=2 * 30 + 2 * 20)
    assert found.deadline_margin == -timedelta(minutes=30)
    assert found.verdict is Verdict.WILL_MISS


def test_one_odd_step_counts_at_most_three_times_its_expectation():
    state = window_of(*SEQUENTIAL, window={"duration": "8h"})
    passed(state, "scope", t(23, 40))  # 100 minutes for a 10-minute step
    assert Forecaster(state).pace == 3.0
    passed(state, "apply", t(0, 10))  # 30 minutes for 30
    # (30 + 30) / (10 + 30)
    assert Forecaster(state).pace == pytest.approx(1.5)


def test_a_step_in_progress_counts_what_is_left_of_its_expectation():
    state = window_of(*SEQUENTIAL)
    passed(state, "scope", t(22, 10))
    started(state, "apply", t(22, 10))
    forecaster = Forecaster(state)
    assert forecaster.readiness("apply") is Readiness.IN_PROGRESS
    assert forecaster.elapsed("apply", t(22, 25)) == timedelta(minutes=15)
    found = forecaster.forecast(t(22, 25))
    assert found.validated_by == t(23, 0)  # apply done 22:40, login 20 minutes
    assert not forecaster.over_expected("apply", t(22, 39))
    assert forecaster.over_expected("apply", t(22, 41))


def test_a_step_past_twice_its_expectation_puts_the_window_at_risk_whatever_the_margin():
    state = window_of(*SEQUENTIAL, window={"duration": "8h"})
    passed(state, "scope", t(22, 10))
    started(state, "apply", t(22, 10))
    calm = forecast(state, t(23, 9))
    assert calm.verdict is Verdict.ON_TRACK
    late = forecast(state, t(23, 11))
    assert late.overdue == ("apply",)
    assert late.verdict is Verdict.AT_RISK
    assert late.validated_by == t(23, 31)  # apply counts as finishing now; login 20 minutes


def test_without_any_expectation_the_verdict_is_unknown():
    state = window_of(step("scope", "prepare"), step("login", "validate", critical=True))
    found = forecast(state, t(22, 30))
    assert found.verdict is Verdict.UNKNOWN
    assert found.validated_by is None
    assert found.finish is None
    assert found.margin is None
    assert found.pace == 1.0


def test_once_the_critical_validation_passed_validated_by_is_when_it_did():
    state = window_of(*SEQUENTIAL)
    for step_id, minute in (("scope", 10), ("apply", 40), ("login", 55)):
        passed(state, step_id, t(22, minute))
    found = forecast(state, t(23, 45))  # past the deadline, but validation was done before it
    assert found.validated
    assert found.validated_by == t(22, 55)
    assert found.deadline_margin == timedelta(minutes=35)
    assert not found.finished
    assert found.finish == t(23, 45) + found.pace * timedelta(minutes=10)


def test_before_the_window_the_work_starts_with_the_window():
    found = forecast(window_of(*SEQUENTIAL), t(20, 0))
    assert found.validated_by == t(23, 0)


def test_waiting_ready_and_the_next_ready_step():
    state = window_of(
        step("apply", "apply", "30m"),
        step("login", "validate", "10m", after=["apply"]),
        step("notes", "communicate", "5m", after=[]),
        step("notify", "communicate", "5m"),
    )
    forecaster = Forecaster(state)
    assert [forecaster.readiness(s) for s in ("apply", "login", "notes", "notify")] == [
        Readiness.READY,
        Readiness.WAITING,
        Readiness.READY,
        Readiness.WAITING,
    ]
    assert forecaster.waits_on("login") == ("apply",)
    assert forecaster.waits_on("notify") == ("notes",)  # no `after`: the step before it
    assert forecaster.next_ready() == "apply"
    assert forecaster.next_ready("apply") == "notes"
    assert forecaster.next_ready("notes") == "apply"
    passed(state, "apply", t(22, 30))
    forecaster.sync()
    assert forecaster.readiness("apply") is Readiness.DONE
    assert forecaster.readiness("login") is Readiness.READY
    assert forecaster.ready() == ("login", "notes")


def test_marking_a_waiting_step_is_allowed_and_noted_in_its_event():
    state = window_of(*SEQUENTIAL)
    event = mark_event(state, "login", StepStatus.PASS, at=t(22, 5), by="lee")
    assert event.waited_on == ["apply"]
    start = start_event(state, "apply", at=t(22, 5), by="lee")
    assert isinstance(start, StepStarted)
    assert start.waited_on == ["scope"]
    assert mark_event(state, "login", StepStatus.PENDING, at=t(22, 5), by="lee").waited_on == []
    state.apply(event)
    assert state.steps["login"].status is StepStatus.PASS


def test_a_step_passed_without_a_start_is_timed_from_when_its_prerequisites_passed():
    state = window_of(*SEQUENTIAL)
    passed(state, "scope", t(22, 12))
    passed(state, "apply", t(22, 50))
    started(state, "login", t(22, 55))
    passed(state, "login", t(23, 5))
    forecaster = Forecaster(state)
    assert forecaster.took("scope") == timedelta(minutes=12)  # from the window start
    assert forecaster.took("apply") == timedelta(minutes=38)
    assert forecaster.took("login") == timedelta(minutes=10)  # from its start
    assert forecaster.took("notify") is None


def test_back_to_pending_ends_an_attempt():
    state = window_of(*SEQUENTIAL)
    started(state, "scope", t(22, 0))
    state.apply(mark_event(state, "scope", StepStatus.PENDING, at=t(22, 3), by="sam"))
    assert Forecaster(state).readiness("scope") is Readiness.READY


def test_a_plan_with_a_cycle_still_gives_a_forecast():
    # The plan rules refuse this plan; a model built without them must not break the board.
    state = window_of(step("a", "apply", "10m", after=["b"]), step("b", "validate", "10m", critical=True))
    found = forecast(state, t(22, 0))
    assert found.validated_by is not None
    assert found.validated_by >= t(22, 0)


def test_following_events_gives_what_a_fresh_forecast_gives():
    state = window_of(*SEQUENTIAL)
    forecaster = Forecaster(state)
    script = [
        ("start", "scope", t(22, 0)),
        ("pass", "scope", t(22, 14)),
        ("pass", "apply", t(22, 50)),
        ("start", "login", t(22, 51)),
        ("fail", "apply", t(22, 52)),
        ("pass", "apply", t(23, 0)),
    ]
    for kind, step_id, at in script:
        if kind == "start":
            started(state, step_id, at)
        else:
            state.apply(mark_event(state, step_id, StepStatus(kind), at=at, by="sam"))
        forecaster.sync()
        assert forecaster.forecast(at) == forecast(state, at)


@st.composite
def windows(draw):
    """A plan of up to eight steps with random expectations and waits (on earlier steps only, so the
    plan is valid), and a run of marks and starts at random times around the window."""
    count = draw(st.integers(min_value=1, max_value=8))
    steps = []
    for number in range(count):
        after = draw(
            st.none() | st.lists(st.sampled_from([f"s{i}" for i in range(number)]), max_size=3)
            if number
            else st.none() | st.just([])
        )
        expected = draw(st.none() | st.integers(min_value=0, max_value=90).map(lambda m: f"{m}m"))
        steps.append(
            step(
                f"s{number}",
                draw(st.sampled_from(["prepare", "apply", "validate"])),
                expected,
                after,
                draw(st.booleans()),
            )
        )
    state = window_of(*steps)
    moves = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["start", *(s.value for s in StepStatus)]),
                st.integers(min_value=0, max_value=count - 1),
                st.integers(min_value=-120, max_value=300),
            ),
            max_size=20,
        )
    )
    now = t(22, 0) + timedelta(minutes=draw(st.integers(min_value=-120, max_value=300)))
    return state, moves, now


@settings(max_examples=200, deadline=None)
@given(windows())
def test_the_forecast_never_goes_earlier_than_now_and_never_throws(case):
    state, moves, now = case
    forecaster = Forecaster(state)
    for kind, number, minutes in moves:
        at = t(22, 0) + timedelta(minutes=minutes)
        if kind == "start":
            started(state, f"s{number}", at)
        else:
            state.apply(mark_event(state, f"s{number}", StepStatus(kind), at=at, by="sam"))
        forecaster.sync()
        found = forecaster.forecast(now)
        assert found == forecast(state, now)
        assert 0.5 <= found.pace <= 3
        if found.verdict is not Verdict.UNKNOWN:
            assert found.finish is not None
            assert found.validated_by is not None
            if not found.finished:
                assert found.finish >= now
            if not found.validated:
                assert found.validated_by >= now


def test_advice_for_the_rollback_pane():
    from relboard.domain.forecast_text import forecast_advice

    owners = ["Sam", "Rio"]
    slow = window_of(*SEQUENTIAL)
    passed(slow, "scope", t(22, 20))
    assert forecast_advice(forecast(slow, t(22, 20)), owners) == (
        "At this pace validation ends 0:30:00 after the rollback deadline: decide with Sam and Rio now,"
        " rather than at the rollback deadline."
    )
    tight = window_of(*SEQUENTIAL)
    assert forecast_advice(forecast(tight, t(22, 25)), owners) == (
        "Only 0:05:00 to spare at this pace: be ready to decide with Sam and Rio."
    )
    overdue = window_of(*SEQUENTIAL, window={"duration": "8h"})
    passed(overdue, "scope", t(22, 10))
    started(overdue, "apply", t(22, 10))
    assert forecast_advice(forecast(overdue, t(23, 11)), owners) == (
        "apply has run past twice its expected time: check with Sam and Rio whether to go on."
    )
    assert forecast_advice(forecast(window_of(*SEQUENTIAL), t(22, 0)), owners) is None
