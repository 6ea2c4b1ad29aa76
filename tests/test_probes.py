"""Probes against real local servers: what the ProbeRan event says for each way a check can go."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from msgspec.structs import replace

from relboard.domain import plan_model
from relboard.domain.events import ProbeOutcome, StepMarked, StepStatus, event_to_dict
from relboard.domain.plan import Step
from relboard.domain.plan_model import domain_of
from relboard.domain.state import WindowState
from relboard.net.probes import run_probes, summary_line
from tests.conftest import make_plan
from tests.probing import run_probe
from tests.tls import servers

SECRET = "s3cr3t-key-4f9a"


def step(probe: dict, step_id: str = "api-health") -> Step:
    return domain_of(
        plan_model.Step.model_validate(
            {"id": step_id, "phase": "validate", "title": "API answers", "owner": "Lee QA", "probe": probe}
        )
    )


@pytest.fixture
def silent():
    yield from servers.silent_server()


@pytest.fixture
def tls():
    yield from servers.tls_server()


@pytest.fixture
def other():
    yield from servers.second_server()


def test_a_probe_that_gets_what_it_expects_passes(httpserver, tmp_path):
    httpserver.expect_request("/health", method="GET").respond_with_json(
        {"status": "ok", "version": "4.2.0", "build": {"id": 7}}
    )
    probe = {
        "url": httpserver.url_for("/health"),
        "expect_status": 200,
        "expect_body": "ok",
        "expect_json": {"version": "4.2.0", "build.id": 7},
    }
    event = run_probe(step(probe), tmp_path, env={})
    assert event.passed, event.reason
    assert event.status_code == 200
    assert event.step == "api-health"
    assert event.reason.startswith("200 in ")
    assert event.reason.endswith(" ms")
    assert summary_line(event).startswith("PASS api-health 200 in ")


def test_any_2xx_passes_when_no_status_is_named(httpserver, tmp_path):
    httpserver.expect_request("/created", method="POST").respond_with_data("", status=201)
    event = run_probe(step({"url": httpserver.url_for("/created"), "method": "POST"}), tmp_path, env={})
    assert event.passed
    assert event.status_code == 201


def test_wrong_status_fails_and_names_both(httpserver, tmp_path):
    httpserver.expect_request("/login").respond_with_data("maintenance", status=503)
    event = run_probe(step({"url": httpserver.url_for("/login"), "expect_status": 200}, "login-page"), tmp_path, env={})
    assert not event.passed
    assert event.status_code == 503
    assert event.reason == "expected 200, got 503"
    assert summary_line(event) == "FAIL login-page: expected 200, got 503"


def test_default_expectation_is_a_2xx(httpserver, tmp_path):
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    event = run_probe(step({"url": httpserver.url_for("/gone")}), tmp_path, env={})
    assert event.reason == "expected a 2xx status, got 404"


def test_body_without_the_expected_text_fails(httpserver, tmp_path):
    httpserver.expect_request("/health").respond_with_data("degraded")
    event = run_probe(step({"url": httpserver.url_for("/health"), "expect_body": "ok"}), tmp_path, env={})
    assert not event.passed
    assert event.status_code == 200
    assert event.reason == "body does not contain 'ok'"


def test_json_field_with_another_value_fails(httpserver, tmp_path):
    httpserver.expect_request("/health").respond_with_json({"version": "4.1.3"})
    event = run_probe(
        step({"url": httpserver.url_for("/health"), "expect_json": {"version": "4.2.0"}}), tmp_path, env={}
    )
    assert not event.passed
    assert event.reason == "JSON field version is '4.1.3', expected '4.2.0'"


def test_json_expectations_on_a_body_that_is_not_json_or_lacks_the_field(httpserver, tmp_path):
    httpserver.expect_request("/html").respond_with_data("<html>ok</html>", content_type="text/html")
    httpserver.expect_request("/json").respond_with_json({"other": 1})
    not_json = run_probe(
        step({"url": httpserver.url_for("/html"), "expect_json": {"version": "4.2.0"}}), tmp_path, env={}
    )
    missing = run_probe(step({"url": httpserver.url_for("/json"), "expect_json": {"build.id": 7}}), tmp_path, env={})
    assert not_json.reason == "body is not JSON"
    assert missing.reason == "JSON field build.id is missing"


def test_json_true_is_not_the_number_one(httpserver, tmp_path):
    httpserver.expect_request("/flags").respond_with_json({"ready": True})
    event = run_probe(step({"url": httpserver.url_for("/flags"), "expect_json": {"ready": 1}}), tmp_path, env={})
    assert not event.passed


def test_a_server_that_never_answers_fails_at_the_deadline(silent, tmp_path):
    event = run_probe(step({"url": silent.url + "/health", "timeout": "1s"}), tmp_path, env={})
    assert silent.accepted == 1
    assert not event.passed
    assert event.status_code == 0
    assert "deadline" in event.reason
    assert "1s" in event.reason


def test_connection_refused_fails_with_the_reason(tmp_path):
    event = run_probe(step({"url": servers.closed_port_url() + "/health", "timeout": "5s"}), tmp_path, env={})
    assert not event.passed
    assert event.reason.startswith("connection failed:")


def test_a_redirect_is_reported_not_followed_and_the_secret_stays_home(httpserver, other, tmp_path):
    target = other.url_for("/landing")
    other.expect_request("/landing").respond_with_data("you should not be here")
    httpserver.expect_request("/health", headers={"X-Api-Key": SECRET}).respond_with_data(
        "", status=302, headers={"Location": target}
    )
    probe = {"url": httpserver.url_for("/health"), "headers": {"X-Api-Key": "env:RB_API_KEY"}}
    event = run_probe(step(probe), tmp_path, env={"RB_API_KEY": SECRET})
    assert not event.passed
    assert event.status_code == 302
    assert event.reason.startswith(f"redirected to {target}")
    assert len(httpserver.log) == 1  # the named host got the header (the handler matched on it)
    assert other.log == []  # the other host got nothing at all, header or not


def test_a_missing_environment_variable_is_an_error_not_a_failure_and_sends_nothing(httpserver, tmp_path):
    httpserver.expect_request("/health").respond_with_data("ok")
    probe = {"url": httpserver.url_for("/health"), "headers": {"X-Api-Key": "env:RB_API_KEY"}}
    event = run_probe(step(probe), tmp_path, env={})
    assert event.outcome is ProbeOutcome.ERROR
    assert event.reason == "environment variable RB_API_KEY is not set"
    assert httpserver.log == []


def test_a_secret_echoed_by_the_server_is_scrubbed_from_the_reason(httpserver, tmp_path):
    httpserver.expect_request("/whoami").respond_with_json({"key": SECRET})
    probe = {
        "url": httpserver.url_for("/whoami"),
        "headers": {"X-Api-Key": "env:RB_API_KEY"},
        "expect_json": {"key": "other"},
    }
    event = run_probe(step(probe), tmp_path, env={"RB_API_KEY": SECRET})
    assert not event.passed
    assert SECRET not in str(event_to_dict(event))
    assert "***" in event.reason


def test_a_hostile_body_value_leaves_one_clean_capped_line(httpserver, tmp_path):
    hostile = "\x1b]0;owned\x07\x1b[31mred\nsecond line\r" + "x" * 500
    httpserver.expect_request("/health").respond_with_json({"version": hostile})
    event = run_probe(
        step({"url": httpserver.url_for("/health"), "expect_json": {"version": "4.2.0"}}), tmp_path, env={}
    )
    assert not event.passed
    assert "\x1b" not in event.reason
    assert "\n" not in event.reason
    assert "\r" not in event.reason
    assert len(event.reason) <= 200


def test_self_signed_tls_fails_verification_without_the_ca_bundle(tls, tmp_path):
    tls.http.expect_request("/health").respond_with_data("ok")
    event = run_probe(step({"url": tls.http.url_for("/health"), "timeout": "5s"}), tmp_path, env={})
    assert not event.passed
    assert event.reason.startswith("TLS verification failed")


def test_self_signed_tls_passes_with_the_ca_bundle_next_to_the_plan(tls, tmp_path):
    tls.http.expect_request("/health").respond_with_data("ok")
    tls.write_ca(tmp_path / "certs" / "internal-ca.pem")
    probe = {
        "url": tls.http.url_for("/health"),
        "expect_body": "ok",
        "ca_bundle": "certs/internal-ca.pem",
        "timeout": "5s",
    }
    event = run_probe(step(probe), tmp_path, env={})
    assert event.passed, event.reason
    assert tls.http.url_for("/health").startswith("https://")


def test_a_missing_ca_bundle_is_named_as_an_error(tmp_path, httpserver):
    probe = {"url": httpserver.url_for("/health"), "ca_bundle": "certs/nope.pem"}
    event = run_probe(step(probe), tmp_path, env={})
    assert event.outcome is ProbeOutcome.ERROR
    assert (
        summary_line(event) == "ERROR api-health: could not check: CA bundle certs/nope.pem not found next to the plan"
    )
    assert event.reason == "CA bundle certs/nope.pem not found next to the plan"


def test_probes_run_concurrently_and_report_as_each_finishes(httpserver, silent, tmp_path):
    httpserver.expect_request("/fast").respond_with_data("ok")
    slow = step({"url": silent.url + "/slow", "timeout": "2s"}, "slow")
    fast = step({"url": httpserver.url_for("/fast")}, "fast")
    seen: list[str] = []
    results = asyncio.run(
        run_probes([slow, fast], tmp_path, concurrency=2, on_result=lambda e: seen.append(e.step), env={})
    )
    assert seen == ["fast", "slow"]  # finishing order
    assert [r.step for r in results] == ["slow", "fast"]  # step order
    assert [r.passed for r in results] == [False, True]


def test_a_failed_probe_fails_the_step_unless_marked_by_hand_later(httpserver, tmp_path):
    httpserver.expect_request("/login").respond_with_data("", status=500)
    plan = make_plan()
    login = replace(plan.step("login"), probe=step({"url": httpserver.url_for("/login")}).probe)
    event = run_probe(login, tmp_path, env={})
    state = WindowState(plan, [event])
    assert state.steps["login"].status is StepStatus.FAIL
    assert state.steps["login"].note == "probe: expected a 2xx status, got 500"
    override = StepMarked(at=event.at + timedelta(seconds=1), step="login", status=StepStatus.PASS, by="Lee QA")
    assert WindowState(plan, [event, override]).steps["login"].status is StepStatus.PASS
