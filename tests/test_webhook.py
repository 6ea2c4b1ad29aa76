"""Posting notices to a real local webhook: payload, retries on 5xx, none on 4xx, timeouts."""

from __future__ import annotations

import pytest

from relboard.domain.plan import Notices
from relboard.net.webhook import WebhookNotConfigured, post_notice, webhook_label, webhook_url
from tests.tls import servers

LABEL = "webhook from $RELBOARD_WEBHOOK"
TEXT = "Maintenance result: Platform 4.2 upgrade\nResult: complete."


@pytest.fixture
def silent():
    yield from servers.silent_server()


def test_the_notice_is_posted_as_json_text(httpserver):
    httpserver.expect_oneshot_request("/hooks/T0K3N", method="POST", json={"text": TEXT}).respond_with_data("ok")
    result = post_notice(httpserver.url_for("/hooks/T0K3N"), TEXT, backoff=0.01, label=LABEL)
    assert result.delivered
    assert result.attempts == 1
    assert result.detail == f"delivered to {LABEL} (HTTP 200, attempt 1 of 4)"
    request = httpserver.log[0][0]
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_json() == {"text": TEXT}


def test_a_5xx_is_retried_until_delivered(httpserver):
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("busy", status=500)
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok", status=200)
    result = post_notice(httpserver.url_for("/hook"), TEXT, attempts=4, backoff=0.01, label=LABEL)
    assert result.delivered
    assert result.attempts == 2
    assert len(httpserver.log) == 2
    assert all(request.get_json() == {"text": TEXT} for request, _ in httpserver.log)


def test_a_5xx_every_time_gives_up_after_the_attempts(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("down", status=503)
    result = post_notice(httpserver.url_for("/hook"), TEXT, attempts=3, backoff=0.01, label=LABEL)
    assert not result.delivered
    assert result.attempts == 3
    assert len(httpserver.log) == 3
    assert result.detail == f"not delivered after 3 attempts: {LABEL} failed with HTTP 503: down"


def test_a_4xx_is_not_retried_and_is_reported(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("invalid_payload", status=400)
    result = post_notice(httpserver.url_for("/hook"), TEXT, attempts=4, backoff=0.01, label=LABEL)
    assert not result.delivered
    assert result.attempts == 1
    assert len(httpserver.log) == 1
    assert result.detail == f"{LABEL} refused the notice: HTTP 400: invalid_payload"


def test_a_webhook_that_never_answers_times_out_and_is_retried(silent):
    result = post_notice(silent.url + "/hook", TEXT, attempts=2, backoff=0.01, timeout=0.5, label=LABEL)
    assert not result.delivered
    assert result.attempts == 2
    assert silent.accepted == 2
    assert result.detail == f"not delivered after 2 attempts: {LABEL} gave no answer within 0.5 s"


def test_an_unreachable_webhook_is_retried_and_the_url_never_shown():
    url = servers.closed_port_url() + "/hooks/T0K3N"
    result = post_notice(url, TEXT, attempts=2, backoff=0.01, label=LABEL)
    assert not result.delivered
    assert result.attempts == 2
    assert result.detail.startswith(f"not delivered after 2 attempts: {LABEL} unreachable")
    assert "T0K3N" not in result.detail
    assert url not in result.detail


def test_a_redirect_is_not_followed(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data(
        "", status=302, headers={"Location": "http://elsewhere.test/"}
    )
    result = post_notice(httpserver.url_for("/hook"), TEXT, backoff=0.01, label=LABEL)
    assert not result.delivered
    assert result.attempts == 1
    assert "redirect" in result.detail


def test_an_error_body_echoing_the_url_is_scrubbed(httpserver):
    url = httpserver.url_for("/hooks/T0K3N-abc")
    httpserver.expect_request("/hooks/T0K3N-abc", method="POST").respond_with_data(
        f"no such hook {url} \x1b[2J", status=404
    )
    result = post_notice(url, TEXT, backoff=0.01, label=LABEL)
    assert not result.delivered
    assert "T0K3N" not in result.detail
    assert "\x1b" not in result.detail


def test_the_url_comes_from_the_named_environment_variable():
    notices = Notices(support_contact="#release-support", webhook_env="RELBOARD_WEBHOOK")
    assert webhook_url(notices, {"RELBOARD_WEBHOOK": "https://hooks.example.test/x"}) == "https://hooks.example.test/x"
    assert webhook_label(notices) == LABEL
    with pytest.raises(WebhookNotConfigured, match="environment variable RELBOARD_WEBHOOK is not set"):
        webhook_url(notices, {})
    with pytest.raises(WebhookNotConfigured, match="names no webhook"):
        webhook_url(Notices(), {"RELBOARD_WEBHOOK": "https://hooks.example.test/x"})
