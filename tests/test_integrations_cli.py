"""`relboard notice --send`, `relboard page`, `relboard calendar` and `relboard probe` with command
checks, as a user runs them: real subprocesses, a real local server, real files."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from relboard.domain.events import NoticeSent, ProbeRan
from relboard.store.journal import Journal
from tests.conftest import MINIMAL
from tests.test_probe_notice_cli import relboard

PAGE_KEY = "sp-k3y-1a2b3c4d5e"
ROUTING_KEY = "R0UT1NG-9f8e7d6c5b"
TOKEN = "pd-t0k3n-u+Yv_zz"
ENV = {"SP_KEY": PAGE_KEY, "PD_ROUTING": ROUTING_KEY, "PD_TOKEN": TOKEN}
FAST = ("--backoff", "0.01", "--timeout", "5")


def write_plan(folder: Path, httpserver, *, extra: str = "") -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace('webhook_env = "RELBOARD_WEBHOOK"', "")
    text += f"""
[notices.statuspage]
page_id = "kctbh9vrtdwd"
api_key_env = "SP_KEY"
components = ["cmp1"]
api_url = "{httpserver.url_for("/sp")}"

[escalation.pagerduty]
routing_key_env = "PD_ROUTING"
api_url = "{httpserver.url_for("/pd")}"
api_token_env = "PD_TOKEN"
services = ["PSVC001"]
rest_url = "{httpserver.url_for("/pdrest")}"
{extra}"""
    plan = folder / "tonight.toml"
    plan.write_text(text, encoding="utf-8")
    return plan


def notices_of(plan: Path) -> list[NoticeSent]:
    return [e for e in Journal(plan.with_name("tonight.state.toml")).load() if isinstance(e, NoticeSent)]


def no_secret_anywhere(plan: Path, *results) -> None:
    state = plan.with_name("tonight.state.toml").read_text(encoding="utf-8")
    for secret in (PAGE_KEY, ROUTING_KEY, TOKEN):
        assert secret not in state
        for result in results:
            assert secret not in result.stdout + result.stderr


def test_a_whole_window_on_the_status_page_and_the_pager(httpserver, tmp_path):
    incidents = "/sp/v1/pages/kctbh9vrtdwd/incidents"
    httpserver.expect_oneshot_request(incidents, method="POST").respond_with_json({"id": "inc42"}, status=201)
    httpserver.expect_request(f"{incidents}/inc42", method="PATCH").respond_with_json({"id": "inc42"})
    httpserver.expect_oneshot_request("/pdrest/maintenance_windows", method="POST").respond_with_json(
        {"maintenance_window": {"id": "PW1"}}, status=201
    )
    httpserver.expect_oneshot_request("/pdrest/maintenance_windows/PW1", method="DELETE").respond_with_data(
        "", status=204
    )
    httpserver.expect_request("/pd/v2/enqueue", method="POST").respond_with_json({"status": "success"}, status=202)
    plan = write_plan(tmp_path, httpserver)
    at = ("--now", "2026-12-04T12:00:00+01:00")

    first = relboard("notice", "before", str(plan), "--send", *at, *FAST, "--by", "Dana Ops", env=ENV)
    assert first.returncode == 0, first.stderr
    assert "sent: status page (create): done (HTTP 201" in first.stderr
    assert "sent: PagerDuty maintenance window (create): done (HTTP 201" in first.stderr

    # Sent again (a correction): the maintenance is updated, the pager's window is not made twice.
    second = relboard("notice", "before", str(plan), "--send", *at, *FAST, env=ENV)
    assert second.returncode == 0, second.stderr
    # In the window, the before notice sets the maintenance in progress.
    started = relboard(
        "notice",
        "before",
        str(plan),
        "--send",
        "--now",
        "2026-12-05T22:01:00+01:00",
        *FAST,
        "--to",
        "statuspage",
        env=ENV,
    )
    assert started.returncode == 0, started.stderr

    mark = relboard("mark", str(plan), "login", "fail", "--note", "500 on /login")
    assert mark.returncode == 0, mark.stderr
    paged = relboard("page", str(plan), *FAST, "--by", "Sam Platform", env=ENV)
    assert paged.returncode == 0, paged.stderr
    assert paged.stdout.startswith("Platform 4.2 upgrade (prod-eu, CHG-1042) — rollback criteria tripped: ")

    # The scenario marks no step: the after notice is a draft, sent anyway as a script would.
    after = relboard("notice", "after", str(plan), "--send", "--yes", *FAST, env=ENV)
    assert after.returncode == 0, after.stderr

    requests = [(r.method, r.path) for r, _ in httpserver.log]
    assert requests == [
        ("POST", incidents),
        ("POST", "/pdrest/maintenance_windows"),
        ("PATCH", f"{incidents}/inc42"),
        ("PATCH", f"{incidents}/inc42"),
        ("POST", "/pd/v2/enqueue"),
        ("PATCH", f"{incidents}/inc42"),
        ("DELETE", "/pdrest/maintenance_windows/PW1"),
        ("POST", "/pd/v2/enqueue"),
    ]
    statuses = [r.get_json()["incident"]["status"] for r, _ in httpserver.log if r.path.startswith("/sp/")]
    assert statuses == ["scheduled", "scheduled", "in_progress", "completed"]
    actions = [r.get_json()["event_action"] for r, _ in httpserver.log if r.path == "/pd/v2/enqueue"]
    assert actions == ["trigger", "resolve"]
    recorded = [(e.notice.value, e.channel, e.action, e.ref, e.delivered) for e in notices_of(plan)]
    dedup = httpserver.log[4][0].get_json()["dedup_key"]
    assert recorded == [
        ("before", "statuspage", "create", "inc42", True),
        ("before", "pagerduty-maintenance", "create", "PW1", True),
        ("before", "statuspage", "schedule", "inc42", True),
        ("before", "statuspage", "in_progress", "inc42", True),
        ("page", "pagerduty", "trigger", dedup, True),
        ("after", "statuspage", "complete", "inc42", True),
        ("after", "pagerduty-maintenance", "end", "PW1", True),
        ("page", "pagerduty", "resolve", dedup, True),
    ]
    no_secret_anywhere(plan, first, second, started, paged, after)


def test_a_missing_variable_sends_nothing_and_exits_2(httpserver, tmp_path):
    plan = write_plan(tmp_path, httpserver)
    result = relboard("notice", "before", str(plan), "--send", *FAST, env={"SP_KEY": PAGE_KEY}, unset=("PD_TOKEN",))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "relboard notice: not sent: environment variable PD_TOKEN is not set (it holds the PagerDuty REST API token)"
    )
    assert httpserver.log == []
    assert notices_of(plan) == []
    unknown = relboard("notice", "before", str(plan), "--send", "--to", "webhook", env=ENV)
    assert unknown.returncode == 2
    assert "the plan configures no webhook channel" in unknown.stderr


def test_a_refused_page_exits_1_and_is_recorded(httpserver, tmp_path):
    httpserver.expect_request("/pd/v2/enqueue").respond_with_json({"status": "invalid event"}, status=400)
    plan = write_plan(tmp_path, httpserver)
    result = relboard("page", str(plan), "--summary", "Login is down", *FAST, env=ENV)
    assert result.returncode == 1
    assert "NOT PAGED: PagerDuty (trigger) refused it: HTTP 400:" in result.stderr
    assert len(httpserver.log) == 1
    assert [(e.delivered, e.text) for e in notices_of(plan)] == [(False, "Login is down")]
    no_secret_anywhere(plan, result)


def test_page_without_a_pager_table_is_a_usage_error(tmp_path):
    plan = tmp_path / "tonight.toml"
    plan.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    result = relboard("page", str(plan), "--summary", "x")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        'relboard page: the plan has no [escalation.pagerduty] table; add one with routing_key_env = "NAME"'
    )


def test_the_calendar_file_holds_the_window(tmp_path, httpserver):
    plan = write_plan(tmp_path, httpserver).read_text(encoding="utf-8")
    plan = plan.replace('duration = "2h"', 'duration = "2h"\ntimezone = "Europe/Berlin"', 1)
    plan = plan.replace('communication_owner = "Dana Ops"', 'communication_owner = "Dana Ops <dana@example.test>"')
    path = tmp_path / "tonight.toml"
    path.write_text(plan, encoding="utf-8")
    out = tmp_path / "window.ics"
    result = relboard("calendar", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(out.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Maintenance: Platform 4.2 upgrade (prod-eu) [CHG-1042]"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.isoformat(), str(start.tzinfo)) == ("2026-12-05T22:00:00+01:00", "Europe/Berlin")
    assert end.isoformat() == "2026-12-06T00:00:00+01:00"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    description = str(event["DESCRIPTION"])
    before = relboard("notice", "before", str(path)).stdout.rstrip("\n")
    assert description.startswith(before)
    assert "Affected groups:\n- Operators: " in description
    assert str(event["ORGANIZER"]) == "mailto:dana@example.test"
    assert event["ORGANIZER"].params["CN"] == "Dana Ops"
    again = relboard("calendar", str(path))
    assert again.returncode == 0
    assert Calendar.from_ical(again.stdout)["PRODID"] == "-//relboard//maintenance window//EN"


def test_probe_without_allow_commands_runs_no_command(tmp_path):
    marker = tmp_path / "ran"
    plan = tmp_path / "tonight.toml"
    plan.write_text(
        MINIMAL.read_text(encoding="utf-8")
        + '\n[[steps]]\nid = "smoke"\nphase = "validate"\ntitle = "Smoke"\nowner = "Lee QA"\n\n[steps.probe]\n'
        + f'run = ["touch", "{marker}"]\n',
        encoding="utf-8",
    )
    result = relboard("probe", str(plan))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "NOT APPROVED smoke: a command check; run with --allow-commands to run it"
    assert "0 passed, 0 failed, 1 not approved" in result.stdout
    assert not marker.exists()
    state = plan.with_name("tonight.state.toml")
    assert not state.exists() or not any(isinstance(e, ProbeRan) for e in Journal(state).load())
    allowed = relboard("probe", str(plan), "--allow-commands", "--by", "Lee QA")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert marker.exists()
    assert allowed.stdout.startswith("PASS smoke exit 0 in ")
