"""`relboard probe` and `relboard notice` as a user runs them: real subprocesses, servers and files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from relboard.domain.events import Decision, DecisionRecorded, NoticeSent, ProbeRan
from relboard.store.journal import Journal
from tests.conftest import MINIMAL
from tests.tls import servers

SECRET = "s3cr3t-key-4f9a"
HOOK_TOKEN = "T0K3N-9x8y7z"


def relboard(*args: str, env: dict | None = None, unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "relboard", *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        timeout=60,
    )


def probe_block(step_id: str, url: str, **extra: str) -> str:
    lines = [
        "",
        "[[steps]]",
        f'id = "{step_id}"',
        'phase = "validate"',
        f'title = "Probe {step_id}"',
        'owner = "Lee QA"',
        "",
        "[steps.probe]",
        f'url = "{url}"',
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


def write_plan(folder: Path, *blocks: str, text: str | None = None) -> Path:
    plan = folder / "tonight.toml"
    plan.write_text((text or MINIMAL.read_text(encoding="utf-8")) + "".join(blocks), encoding="utf-8")
    return plan


def events_of(plan: Path) -> list:
    return Journal(plan.with_name("tonight.state.toml")).load()


@pytest.fixture
def silent():
    yield from servers.silent_server()


# --- probe -----------------------------------------------------------------------------------------


def test_probe_all_passing_exits_0_and_records_each_result(httpserver, tmp_path):
    httpserver.expect_request("/health").respond_with_json({"version": "4.2.0"})
    httpserver.expect_request("/login").respond_with_data("sign in")
    plan = write_plan(
        tmp_path,
        probe_block("api-health", httpserver.url_for("/health"), expect_json='{ version = "4.2.0" }'),
        probe_block("login-page", httpserver.url_for("/login"), expect_status="200", expect_body='"sign in"'),
    )
    result = relboard("probe", str(plan), "--by", "Lee QA")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(line.split(" ")[1] for line in lines[:2]) == ["api-health", "login-page"]
    assert all(line.startswith("PASS ") and line.endswith(" ms") for line in lines[:2])
    assert lines[2].startswith("2 passed, 0 failed (saved to ")
    recorded = [e for e in events_of(plan) if isinstance(e, ProbeRan)]
    assert sorted((e.step, e.passed, e.status_code, e.by) for e in recorded) == [
        ("api-health", True, 200, "Lee QA"),
        ("login-page", True, 200, "Lee QA"),
    ]


def test_probe_with_a_failure_exits_1_and_says_why(httpserver, tmp_path):
    httpserver.expect_request("/health").respond_with_data("ok")
    httpserver.expect_request("/login").respond_with_data("maintenance", status=503)
    plan = write_plan(
        tmp_path,
        probe_block("api-health", httpserver.url_for("/health")),
        probe_block("login-page", httpserver.url_for("/login"), expect_status="200"),
    )
    result = relboard("probe", str(plan))
    assert result.returncode == 1
    assert "FAIL login-page: expected 200, got 503" in result.stdout.splitlines()
    assert "1 passed, 1 failed" in result.stdout
    status = relboard("status", str(plan), "--json")
    assert '"status": "fail"' in status.stdout


def test_probe_lines_come_as_each_probe_finishes(httpserver, silent, tmp_path):
    httpserver.expect_request("/fast").respond_with_data("ok")
    # The slow probe is first in the plan and cannot finish until its server goes away.
    plan = write_plan(
        tmp_path,
        probe_block("slow", silent.url + "/slow", timeout='"60s"'),
        probe_block("fast", httpserver.url_for("/fast")),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "relboard", "probe", str(plan)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("PASS fast 200 in ")
        assert process.poll() is None  # still waiting on the slow probe
        assert [e.step for e in events_of(plan) if isinstance(e, ProbeRan)] == ["fast"]  # recorded as it came
        silent.close()
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert rest.splitlines()[0].startswith("FAIL slow: ")
    assert process.returncode == 1


def test_probe_step_selects_and_unknown_step_lists_the_probes(httpserver, tmp_path):
    httpserver.expect_request("/health").respond_with_data("ok")
    plan = write_plan(
        tmp_path,
        probe_block("api-health", httpserver.url_for("/health")),
        probe_block("login-page", servers.closed_port_url() + "/login"),
    )
    only = relboard("probe", str(plan), "--step", "api-health")
    assert only.returncode == 0, only.stdout + only.stderr
    assert "login-page" not in only.stdout
    unknown = relboard("probe", str(plan), "--step", "api-helth")
    assert unknown.returncode == 2
    assert "no probe for step 'api-helth'; steps with probes: api-health, login-page" in unknown.stderr
    no_probe = relboard("probe", str(plan), "--step", "login")  # a step, but without a probe
    assert no_probe.returncode == 2


def test_probe_on_a_plan_without_probes_or_a_broken_plan_exits_2(tmp_path):
    plan = write_plan(tmp_path)
    result = relboard("probe", str(plan))
    assert result.returncode == 2
    assert "has no probes" in result.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("schema = 1\n[release\n", encoding="utf-8")
    assert relboard("probe", str(broken)).returncode == 2
    assert not plan.with_name("tonight.state.toml").exists()


def test_probe_secrets_never_reach_the_state_file_or_the_screen(httpserver, tmp_path):
    # A server that echoes the key back in a field the probe then reports on.
    httpserver.expect_request("/whoami", headers={"X-Api-Key": SECRET}).respond_with_json(
        {"key": SECRET, "version": "4.1.3"}
    )
    plan = write_plan(
        tmp_path,
        probe_block(
            "api-health",
            httpserver.url_for("/whoami"),
            headers='{ "X-Api-Key" = "env:RB_API_KEY" }',
            expect_json='{ key = "someone-else" }',
        ),
    )
    result = relboard("probe", str(plan), env={"RB_API_KEY": SECRET})
    assert result.returncode == 1
    assert len(httpserver.log) == 1  # the key was sent, to the host the plan names
    state_bytes = plan.with_name("tonight.state.toml").read_bytes()
    assert b"probe_ran" in state_bytes
    assert SECRET.encode() not in state_bytes
    assert SECRET not in result.stdout
    assert SECRET not in result.stderr
    status = relboard("status", str(plan), "--json")
    assert SECRET not in status.stdout


def test_probe_with_the_secret_variable_unset_could_not_check_and_sends_nothing(httpserver, tmp_path):
    plan = write_plan(
        tmp_path, probe_block("api-health", httpserver.url_for("/health"), headers='{ "X-Api-Key" = "env:RB_API_KEY" }')
    )
    result = relboard("probe", str(plan), unset=("RB_API_KEY",))
    assert result.returncode == 1
    assert "ERROR api-health: could not check: environment variable RB_API_KEY is not set" in result.stdout
    assert "0 passed, 0 failed, 1 could not check" in result.stdout
    assert httpserver.log == []
    # The laptop's set-up, not the service: the step is not failed and nothing trips.
    status = json.loads(relboard("status", str(plan), "--json").stdout)
    assert status["steps"]["api-health"]["status"] == "pending"
    assert status["steps"]["api-health"]["probe_error"] == "environment variable RB_API_KEY is not set"


# --- notice ----------------------------------------------------------------------------------------


def test_notice_prints_the_draft_without_recording_anything(tmp_path):
    plan = write_plan(tmp_path)
    result = relboard("notice", "before", str(plan), "--now", "2026-12-05T20:00:00+01:00")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Maintenance notice: Platform 4.2 upgrade (CHG-1042)\n")
    assert "Window starts: 2026-12-05 22:00 UTC+01:00 (21:00 UTC)" in result.stdout
    assert "- Operators: access may be interrupted. Console unavailable for up to 20 minutes." in result.stdout
    assert "Support during the window: #release-support; communication: Dana Ops" in result.stdout
    assert not plan.with_name("tonight.state.toml").exists()


def test_notice_for_another_moment_hints_at_the_current_one(tmp_path):
    plan = write_plan(tmp_path)
    result = relboard("notice", "before", str(plan), "--now", "2026-12-06T00:30:00+01:00")
    assert result.returncode == 0
    assert "the current moment calls for the after notice" in result.stderr


def test_notice_send_posts_the_draft_and_records_it(httpserver, tmp_path):
    httpserver.expect_request(f"/hooks/{HOOK_TOKEN}", method="POST").respond_with_data("ok")
    plan = write_plan(tmp_path)
    url = httpserver.url_for(f"/hooks/{HOOK_TOKEN}")
    result = relboard(
        "notice",
        "after",
        str(plan),
        "--send",
        "--by",
        "Dana Ops",
        "--now",
        "2026-12-06T00:30:00+01:00",
        env={"RELBOARD_WEBHOOK": url},
    )
    assert result.returncode == 0, result.stderr
    assert len(httpserver.log) == 1
    assert httpserver.log[0][0].get_json() == {"text": result.stdout.rstrip("\n")}
    assert "sent: delivered to webhook from $RELBOARD_WEBHOOK (HTTP 200" in result.stderr
    sent = [e for e in events_of(plan) if isinstance(e, NoticeSent)]
    assert [(e.notice.value, e.delivered, e.channel, e.by) for e in sent] == [("after", True, "webhook", "Dana Ops")]
    assert sent[0].text == result.stdout.rstrip("\n")
    state_bytes = plan.with_name("tonight.state.toml").read_bytes()
    assert HOOK_TOKEN.encode() not in state_bytes
    assert HOOK_TOKEN not in result.stdout + result.stderr


def test_notice_send_retries_a_5xx(httpserver, tmp_path):
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("busy", status=502)
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    plan = write_plan(tmp_path)
    result = relboard(
        "notice",
        "before",
        str(plan),
        "--send",
        "--backoff",
        "0.01",
        env={"RELBOARD_WEBHOOK": httpserver.url_for("/hook")},
    )
    assert result.returncode == 0, result.stderr
    assert len(httpserver.log) == 2
    assert "attempt 2 of 4" in result.stderr


def test_notice_send_refused_exits_1_and_records_the_failure(httpserver, tmp_path):
    httpserver.expect_request("/hook", method="POST").respond_with_data("invalid_token", status=400)
    plan = write_plan(tmp_path)
    result = relboard(
        "notice",
        "after",
        str(plan),
        "--send",
        "--yes",
        "--backoff",
        "0.01",
        env={"RELBOARD_WEBHOOK": httpserver.url_for("/hook")},
    )
    assert result.returncode == 1
    assert len(httpserver.log) == 1
    assert "NOT SENT: webhook from $RELBOARD_WEBHOOK refused the notice: HTTP 400: invalid_token" in result.stderr
    sent = [e for e in events_of(plan) if isinstance(e, NoticeSent)]
    assert [(e.delivered, e.detail) for e in sent] == [
        (False, "webhook from $RELBOARD_WEBHOOK refused the notice: HTTP 400: invalid_token")
    ]


def test_notice_send_to_a_silent_webhook_times_out(silent, tmp_path):
    plan = write_plan(tmp_path)
    result = relboard(
        "notice",
        "after",
        str(plan),
        "--send",
        "--yes",
        "--timeout",
        "0.5",
        "--attempts",
        "2",
        "--backoff",
        "0.01",
        env={"RELBOARD_WEBHOOK": silent.url + "/hook"},
    )
    assert result.returncode == 1
    assert "gave no answer within 0.5 s" in result.stderr


def test_notice_send_without_the_webhook_variable_exits_2(httpserver, tmp_path):
    plan = write_plan(tmp_path)
    result = relboard("notice", "after", str(plan), "--send", unset=("RELBOARD_WEBHOOK",))
    assert result.returncode == 2
    assert "environment variable RELBOARD_WEBHOOK is not set (it holds the webhook URL)" in result.stderr
    no_hook = write_plan(
        tmp_path, text=MINIMAL.read_text(encoding="utf-8").replace('webhook_env = "RELBOARD_WEBHOOK"', "")
    )
    result = relboard("notice", "after", str(no_hook), "--send", env={"RELBOARD_WEBHOOK": httpserver.url_for("/hook")})
    assert result.returncode == 2
    assert "names no webhook" in result.stderr
    assert httpserver.log == []
    assert not any(isinstance(e, NoticeSent) for e in events_of(plan))


def test_notice_decision_needs_a_decision_and_then_tells_it(tmp_path):
    plan = write_plan(tmp_path)
    result = relboard("notice", "decision", str(plan))
    assert result.returncode == 2
    assert "no decision has been recorded" in result.stderr
    start = Journal(plan.with_name("tonight.state.toml"))
    from relboard.store.plan_file import load_plan

    window = load_plan(plan).plan.window
    start.append(
        DecisionRecorded(
            at=window.start + timedelta(minutes=40),
            by="Sam Platform",
            decision=Decision.ROLLBACK,
            rationale="Login fails for tenant north",
            tripped=["login-broken"],
            next_update="23:30 CET in #release-support",
        )
    )
    result = relboard("notice", "decision", str(plan), "--now", "2026-12-05T22:45:00+01:00")
    assert result.returncode == 0, result.stderr
    assert "Decided: rollback at 2026-12-05 22:40 UTC+01:00 (21:40 UTC) by Sam Platform" in result.stdout
    assert (
        "Why: Login fails for tenant north (criteria met: Login fails for any tenant after the release is applied)"
        in result.stdout
    )
    assert (
        "What to expect: Rolling back restores 4.1.3; active sessions are dropped. The rollback takes about 30m."
        in result.stdout
    )
    assert "Next update: 23:30 CET in #release-support" in result.stdout
    assert result.stderr == ""
