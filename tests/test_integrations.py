"""Statuspage and PagerDuty against a real local HTTP server speaking each API's shape: the exact
requests, retries on 5xx only, and every secret only where it belongs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from msgspec.structs import replace
from werkzeug import Response

from relboard.domain.events import (
    Decision,
    DecisionRecorded,
    NoticeKind,
    NoticeSent,
    StepMarked,
    StepStatus,
    event_to_dict,
)
from relboard.domain.pager import dedup_key, page_offer, page_summary
from relboard.domain.state import WindowState
from relboard.net import pagerduty, statuspage
from relboard.net.channels import missing_secrets, plan_sends, send
from relboard.net.http_send import Retry
from relboard.net.statuspage import NotConfigured
from tests.conftest import make_plan
from tests.tls import servers

PAGE_KEY = "sp-k3y-1a2b3c4d5e"
ROUTING_KEY = "R0UT1NG-9f8e7d6c5b"
TOKEN = "pd-t0k3n-u+Yv_zz"
AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
FAST = Retry(attempts=3, backoff=0.01, timeout=2)
ENV = {"SP_KEY": PAGE_KEY, "PD_ROUTING": ROUTING_KEY, "PD_TOKEN": TOKEN}


def plan_for(httpserver, *, pager: bool = True, maintenance: bool = True):
    escalation = {}
    if pager:
        table = {"routing_key_env": "PD_ROUTING", "api_url": httpserver.url_for("/pd")}
        if maintenance:
            table |= {
                "api_token_env": "PD_TOKEN",
                "services": ["PSVC001", "PSVC002"],
                "rest_url": httpserver.url_for("/pdrest"),
                "from_email": "dana@example.test",
            }
        escalation = {"pagerduty": table}
    return make_plan(
        notices={
            "webhook_env": "",
            "statuspage": {
                "page_id": "kctbh9vrtdwd",
                "api_key_env": "SP_KEY",
                "components": ["cmp1", "cmp2"],
                "api_url": httpserver.url_for("/sp"),
            },
        },
        escalation=escalation,
    )


def secrets_only_in_place(httpserver) -> None:
    """Each secret appears in exactly the header or field it belongs to, nowhere else in any request."""
    assert httpserver.log
    for request, _ in httpserver.log:
        text = request.get_data(as_text=True)
        auth = request.headers.get("Authorization", "")
        other_headers = [value for name, value in request.headers.items() if name != "Authorization"]
        if request.path.startswith("/sp/"):
            assert auth == f"OAuth {PAGE_KEY}"
        elif request.path.startswith("/pdrest/"):
            assert auth == f"Token token={TOKEN}"
        else:
            # The Events API takes its routing key in the event itself, and only there.
            assert auth == ""
            body = json.loads(text)
            assert body.pop("routing_key") == ROUTING_KEY
            text = json.dumps(body)
        for secret in (PAGE_KEY, ROUTING_KEY, TOKEN):
            assert secret not in text
            assert all(secret not in value for value in other_headers)


# --- Statuspage ------------------------------------------------------------------------------------


def test_the_before_notice_creates_the_scheduled_maintenance(httpserver):
    httpserver.expect_oneshot_request("/sp/v1/pages/kctbh9vrtdwd/incidents", method="POST").respond_with_json(
        {"id": "p31zjtct2jer", "status": "scheduled"}, status=201
    )
    state = WindowState(plan_for(httpserver))
    event = statuspage.send(state, NoticeKind.BEFORE, "Before text", by="Dana", at=AT, env=ENV, retry=FAST)
    assert event is not None
    assert (event.delivered, event.channel, event.action, event.ref) == (True, "statuspage", "create", "p31zjtct2jer")
    assert event.detail == "status page (create): done (HTTP 201, attempt 1 of 3)"
    ((request, _),) = httpserver.log
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_json() == {
        "incident": {
            "body": "Before text",
            "name": "Platform 4.2 upgrade (prod-eu)",
            "status": "scheduled",
            "scheduled_for": "2026-12-05T21:00:00Z",
            "scheduled_until": "2026-12-05T23:00:00Z",
            "scheduled_remind_prior": False,
            "scheduled_auto_in_progress": False,
            "scheduled_auto_completed": False,
            "component_ids": ["cmp1", "cmp2"],
        }
    }
    secrets_only_in_place(httpserver)


def test_a_second_send_updates_then_in_progress_then_the_after_notice_completes(httpserver):
    incident = "/sp/v1/pages/kctbh9vrtdwd/incidents/p31zjtct2jer"
    for _ in range(3):
        httpserver.expect_oneshot_request(incident, method="PATCH").respond_with_json({"id": "p31zjtct2jer"})
    state = WindowState(plan_for(httpserver))
    state.apply(
        NoticeSent(
            at=AT, notice=NoticeKind.BEFORE, delivered=True, channel="statuspage", action="create", ref="p31zjtct2jer"
        )
    )
    again = statuspage.send(state, NoticeKind.BEFORE, "Before v2", by="Dana", at=AT, env=ENV, retry=FAST)
    started = statuspage.send(
        state, NoticeKind.BEFORE, "Started", by="Dana", at=AT, in_progress=True, env=ENV, retry=FAST
    )
    done = statuspage.send(state, NoticeKind.AFTER, "Result: complete", by="Dana", at=AT, env=ENV, retry=FAST)
    assert [(e.action, e.ref, e.delivered) for e in (again, started, done) if e] == [
        ("schedule", "p31zjtct2jer", True),
        ("in_progress", "p31zjtct2jer", True),
        ("complete", "p31zjtct2jer", True),
    ]
    bodies = [request.get_json()["incident"] for request, _ in httpserver.log]
    assert all(request.method == "PATCH" and request.path == incident for request, _ in httpserver.log)
    assert bodies[0]["status"] == "scheduled"
    assert bodies[0]["body"] == "Before v2"
    assert bodies[1]["status"] == "in_progress"
    assert bodies[1]["components"] == {"cmp1": "under_maintenance", "cmp2": "under_maintenance"}
    assert bodies[2] == {
        "body": "Result: complete",
        "status": "completed",
        "component_ids": ["cmp1", "cmp2"],
        "components": {"cmp1": "operational", "cmp2": "operational"},
    }
    secrets_only_in_place(httpserver)


def test_an_after_notice_with_no_maintenance_made_sends_nothing(httpserver):
    state = WindowState(plan_for(httpserver))
    assert statuspage.send(state, NoticeKind.AFTER, "done", by="Dana", at=AT, env=ENV, retry=FAST) is None
    assert httpserver.log == []


def test_statuspage_5xx_is_retried_and_4xx_is_not(httpserver):
    path = "/sp/v1/pages/kctbh9vrtdwd/incidents"
    httpserver.expect_oneshot_request(path, method="POST").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request(path, method="POST").respond_with_json({"id": "abc123"}, status=201)
    event = statuspage.send(
        WindowState(plan_for(httpserver)), NoticeKind.BEFORE, "x", by="Dana", at=AT, env=ENV, retry=FAST
    )
    assert event is not None
    assert event.delivered
    assert event.ref == "abc123"
    assert len(httpserver.log) == 2
    httpserver.clear()
    httpserver.expect_request(path, method="POST").respond_with_data(
        json.dumps({"error": f"bad key {PAGE_KEY}"}), status=401
    )
    refused = statuspage.send(
        WindowState(plan_for(httpserver)), NoticeKind.BEFORE, "x", by="Dana", at=AT, env=ENV, retry=FAST
    )
    assert refused is not None
    assert not refused.delivered
    assert len(httpserver.log) == 1
    assert refused.detail == 'status page (create) refused it: HTTP 401: {"error": "bad key ***"}'
    assert PAGE_KEY not in str(event_to_dict(refused))


@pytest.fixture
def silent():
    yield from servers.silent_server()


def test_a_status_page_that_never_answers_is_retried_then_reported_in_one_line(httpserver, silent):
    plan = plan_for(httpserver)
    page = replace(plan.notices.statuspage, api_url=silent.url)
    plan = replace(plan, notices=replace(plan.notices, statuspage=page))
    event = statuspage.send(
        WindowState(plan), NoticeKind.BEFORE, "x", by="Dana", at=AT, env=ENV, retry=Retry(2, 0.01, 0.5)
    )
    assert event is not None
    assert not event.delivered
    assert event.detail == "not done after 2 attempts: status page (create) gave no answer within 0.5 s"
    assert silent.accepted == 2


def test_a_missing_key_variable_is_named_and_nothing_is_sent(httpserver):
    state = WindowState(plan_for(httpserver))
    with pytest.raises(NotConfigured, match="environment variable SP_KEY is not set"):
        statuspage.send(state, NoticeKind.BEFORE, "x", by="Dana", at=AT, env={}, retry=FAST)
    sends = plan_sends(state, NoticeKind.BEFORE)
    assert [(s.channel, s.action) for s in sends] == [("statuspage", "create"), ("pagerduty", "start-maintenance")]
    assert missing_secrets(state, sends, {}) == [
        "environment variable SP_KEY is not set (it holds the Statuspage API key)",
        "environment variable PD_TOKEN is not set (it holds the PagerDuty REST API token)",
    ]
    assert httpserver.log == []


# --- PagerDuty ---------------------------------------------------------------------------------------


def tripped_state(httpserver, **kw) -> WindowState:
    state = WindowState(plan_for(httpserver, **kw))
    state.apply(StepMarked(at=AT, by="Lee", step="login", status=StepStatus.FAIL, note="500 on /login"))
    return state


def test_nothing_to_offer_until_a_criterion_trips_or_a_rollback_is_decided(httpserver):
    state = WindowState(plan_for(httpserver))
    assert page_offer(state) is None
    state.apply(StepMarked(at=AT, by="Lee", step="login", status=StepStatus.FAIL))
    offer = page_offer(state)
    assert offer is not None
    assert offer.reasons == ("criterion:login-broken",)
    assert offer.summary == page_summary(state)
    assert offer.summary.startswith("Platform 4.2 upgrade (prod-eu, CHG-1042) — rollback criteria tripped: ")
    no_pager = WindowState(plan_for(httpserver, pager=False))
    no_pager.apply(StepMarked(at=AT, by="Lee", step="login", status=StepStatus.FAIL))
    assert page_offer(no_pager) is None


def test_a_page_triggers_with_the_windows_dedup_key_and_is_not_offered_again(httpserver):
    httpserver.expect_request("/pd/v2/enqueue", method="POST").respond_with_json(
        {"status": "success", "message": "Event processed", "dedup_key": "x"}, status=202
    )
    state = tripped_state(httpserver)
    event = pagerduty.page(state, "Login broken", by="Sam", at=AT, env=ENV, retry=FAST)
    assert (event.delivered, event.notice, event.channel, event.action) == (
        True,
        NoticeKind.PAGE,
        "pagerduty",
        "trigger",
    )
    assert event.ref == dedup_key(state)
    assert event.covers == ["criterion:login-broken"]
    ((request, _),) = httpserver.log
    body = request.get_json()
    assert request.method == "POST"
    assert body["routing_key"] == ROUTING_KEY
    assert body["event_action"] == "trigger"
    assert body["dedup_key"] == event.ref
    assert body["payload"]["summary"] == "Login broken"
    assert body["payload"]["severity"] == "critical"
    assert body["payload"]["source"] == "relboard: prod-eu"
    assert body["payload"]["custom_details"]["tripped"] == ["login-broken"]
    assert ROUTING_KEY not in str(event_to_dict(event))
    state.apply(event)
    assert page_offer(state) is None
    # A rollback decided later is news: offered again, and paged under the same key.
    state.apply(DecisionRecorded(at=AT, by="Sam", decision=Decision.ROLLBACK, rationale="login broken"))
    assert page_offer(state) is not None
    second = pagerduty.page(state, page_summary(state), by="Sam", at=AT, env=ENV, retry=FAST)
    assert second.ref == event.ref
    assert httpserver.log[1][0].get_json()["dedup_key"] == event.ref
    secrets_only_in_place(httpserver)


def test_pagerduty_4xx_is_not_retried_and_5xx_is(httpserver):
    httpserver.expect_oneshot_request("/pd/v2/enqueue").respond_with_data("oops", status=500)
    httpserver.expect_oneshot_request("/pd/v2/enqueue").respond_with_json({"status": "success"}, status=202)
    assert pagerduty.page(tripped_state(httpserver), "x", by="Sam", at=AT, env=ENV, retry=FAST).delivered
    assert len(httpserver.log) == 2
    httpserver.clear()
    httpserver.expect_request("/pd/v2/enqueue").respond_with_json(
        {"status": "invalid event", "message": "Event object is invalid", "errors": ["'routing_key' is invalid"]},
        status=400,
    )
    refused = pagerduty.page(tripped_state(httpserver), "x", by="Sam", at=AT, env=ENV, retry=FAST)
    assert not refused.delivered
    assert len(httpserver.log) == 1
    assert refused.detail.startswith("PagerDuty (trigger) refused it: HTTP 400: ")


def test_the_maintenance_window_is_created_once_and_ended_with_the_after_notice(httpserver):
    httpserver.expect_oneshot_request("/pdrest/maintenance_windows", method="POST").respond_with_json(
        {"maintenance_window": {"id": "PW98YIO", "type": "maintenance_window"}}, status=201
    )
    httpserver.expect_oneshot_request("/pdrest/maintenance_windows/PW98YIO", method="DELETE").respond_with_response(
        Response(status=204)
    )
    httpserver.expect_request("/pd/v2/enqueue", method="POST").respond_with_json({"status": "success"}, 202)
    state = WindowState(plan_for(httpserver))
    made = pagerduty.start_maintenance(state, by="Dana", at=AT, env=ENV, retry=FAST)
    assert made is not None
    assert (made.delivered, made.action, made.ref) == (True, "create", "PW98YIO")
    create, _ = httpserver.log[0]
    assert create.headers["Authorization"] == f"Token token={TOKEN}"
    assert create.headers["Accept"] == "application/vnd.pagerduty+json;version=2"
    assert create.headers["From"] == "dana@example.test"
    assert create.get_json() == {
        "maintenance_window": {
            "type": "maintenance_window",
            "start_time": "2026-12-05T21:00:00Z",
            "end_time": "2026-12-05T23:00:00Z",
            "description": "Platform 4.2 upgrade (prod-eu), CHG-1042",
            "services": [
                {"id": "PSVC001", "type": "service_reference"},
                {"id": "PSVC002", "type": "service_reference"},
            ],
        }
    }
    state.apply(made)
    assert pagerduty.start_maintenance(state, by="Dana", at=AT, env=ENV, retry=FAST) is None  # never twice
    assert [(s.channel, s.action) for s in plan_sends(state, NoticeKind.BEFORE)] == [("statuspage", "create")]

    state.apply(StepMarked(at=AT, by="Lee", step="login", status=StepStatus.FAIL))
    state.apply(pagerduty.page(state, "x", by="Sam", at=AT, env=ENV, retry=FAST))
    after = plan_sends(state, NoticeKind.AFTER)
    assert [(s.channel, s.action) for s in after] == [("pagerduty", "end-maintenance"), ("pagerduty", "resolve")]
    events = [send(state, NoticeKind.AFTER, item, "done", by="Dana", at=AT, env=ENV, retry=FAST) for item in after]
    assert [(e.action, e.delivered, e.ref) for e in events if e] == [
        ("end", True, "PW98YIO"),
        ("resolve", True, dedup_key(state)),
    ]
    end, _ = httpserver.log[2]
    assert (end.method, end.path, end.get_data()) == ("DELETE", "/pdrest/maintenance_windows/PW98YIO", b"")
    resolve, _ = httpserver.log[3]
    assert resolve.get_json() == {"routing_key": ROUTING_KEY, "event_action": "resolve", "dedup_key": dedup_key(state)}
    for event in events:
        state.apply(event)
    assert plan_sends(state, NoticeKind.AFTER) == []
    assert not state.completion_notice_recorded  # bookkeeping on the pager is not the completion notice
    secrets_only_in_place(httpserver)


def test_a_refused_connection_is_retried_then_reported_in_one_line(httpserver):
    dead = servers.closed_port_url()
    plan = plan_for(httpserver)
    pager = replace(plan.escalation.pagerduty, api_url=dead)
    plan = replace(plan, escalation=replace(plan.escalation, pagerduty=pager))
    state = WindowState(plan)
    state.apply(StepMarked(at=AT, by="Lee", step="login", status=StepStatus.FAIL))
    event = pagerduty.page(state, "x", by="Sam", at=AT, env=ENV, retry=FAST)
    assert not event.delivered
    assert event.detail.startswith("not done after 3 attempts: PagerDuty (trigger) unreachable: ")
    assert "\n" not in event.detail
    assert ROUTING_KEY not in event.detail
