"""`error` (could not check from here) against `fail` (checked, the service answered wrongly): what
each does to the step, the criteria, the timeline and `status`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from relboard.domain import plan_model
from relboard.domain.clock import read_clock
from relboard.domain.events import ProbeOutcome, ProbeRan, StepStatus
from relboard.domain.plan_model import domain_of
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.domain.summary import status_json, status_text
from relboard.domain.timeline import timeline
from relboard.net.probes import summary_line
from tests.conftest import make_plan
from tests.probing import run_probe

T0 = datetime(2026, 12, 5, 21, 30, tzinfo=UTC)


def probe(minutes: int, outcome: ProbeOutcome, reason: str) -> ProbeRan:
    return ProbeRan(at=T0 + timedelta(minutes=minutes), by="probe", step="login", outcome=outcome, reason=reason)


def test_an_error_marks_nothing_and_trips_nothing_but_shows_on_the_step():
    plan = make_plan()
    state = WindowState(plan, [probe(1, ProbeOutcome.ERROR, "environment variable RB_API_KEY is not set")])
    assert state.steps["login"].status is StepStatus.PENDING
    assert state.steps["login"].probe_error.reason == "environment variable RB_API_KEY is not set"
    assert not any(c.tripped for c in evaluate(state))
    clock = read_clock(plan.window, T0)
    assert "  login: environment variable RB_API_KEY is not set" in status_text(state, clock)
    assert status_json(state, clock)["steps"]["login"]["probe_error"] == "environment variable RB_API_KEY is not set"
    (entry,) = [e for e in timeline(state) if e.kind == "probe_ran"]
    assert entry.text.startswith("Probe could not check: Validate login and tenant access (login)")


def test_an_error_after_a_failure_leaves_the_failure_and_its_trip_standing():
    plan = make_plan()
    state = WindowState(
        plan,
        [probe(1, ProbeOutcome.FAIL, "expected 200, got 503"), probe(2, ProbeOutcome.ERROR, "CA bundle missing")],
    )
    assert state.steps["login"].status is StepStatus.FAIL
    assert state.steps["login"].note == "probe: expected 200, got 503"
    assert [c.criterion.id for c in evaluate(state) if c.tripped] == ["login-broken"]
    assert state.steps["login"].probe_error is not None


def test_a_later_check_that_runs_clears_the_error_from_the_step():
    state = WindowState(
        make_plan(), [probe(1, ProbeOutcome.ERROR, "no such host"), probe(2, ProbeOutcome.PASS, "200 in 9 ms")]
    )
    assert state.steps["login"].status is StepStatus.PASS
    assert state.steps["login"].probe_error is None


def test_a_name_that_does_not_resolve_here_is_an_error(tmp_path):
    step = domain_of(
        plan_model.Step.model_validate(
            {
                "id": "api-health",
                "phase": "validate",
                "title": "API answers",
                "owner": "Lee QA",
                "probe": {"url": "https://no-such-host.invalid/health", "timeout": "5s"},
            }
        )
    )
    event = run_probe(step, tmp_path, env={})
    assert event.outcome is ProbeOutcome.ERROR
    assert summary_line(event).startswith(
        "ERROR api-health: could not check: the host's name does not resolve from this machine"
    )
