"""Command checks and the pager from the board: approval first, output live, a stop key, a page previewed."""

from __future__ import annotations

import sys
from pathlib import Path

from board_helpers import DATA, WIDE, events_of, make_app, screen_text, wait_until
from textual.widgets import Input

from relboard.domain.events import StepStatus
from relboard.domain.intents import MarkStep
from relboard.ui.screens.details import StepDetails
from relboard.window.session import WindowSession

LOGIN_END = 'critical = true\n\n[[steps]]\nid = "notify-done"'


def with_login_check(tmp_path: Path, probe: str, tail: str = "") -> tuple[WindowSession, Path]:
    text = (DATA / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace(LOGIN_END, "critical = true\n\n" + probe + '\n[[steps]]\nid = "notify-done"')
    plan = tmp_path / "window.toml"
    plan.write_text(text + tail, encoding="utf-8")
    return WindowSession.open(plan, tmp_path / "window.state.toml"), tmp_path / "window.state.toml"


def command_check(code: str, timeout: str = "30s") -> str:
    argv = ", ".join(f'"{part}"' for part in (sys.executable, "-c", code))
    return f'[steps.probe]\nrun = [{argv}]\ntimeout = "{timeout}"\n'


async def to_login(pilot, app) -> None:
    for _ in range(5):
        if app.selected_step == "login":
            return
        await pilot.press("j")
    assert app.selected_step == "login"


async def check_login_and_open_its_details(pilot, app) -> None:
    """The login step's check run (its commands approved), and its details opened while it runs."""
    await pilot.pause()
    await to_login(pilot, app)
    await pilot.press("r", "y")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, StepDetails)


async def test_a_command_check_runs_only_once_its_commands_are_approved(tmp_path, own_config):
    session, state = with_login_check(tmp_path, command_check("print('ready')"))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await to_login(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        text = screen_text(app)
        assert "Run these commands from this plan?" in text
        assert f"login: in {tmp_path}" in text  # the exact folder and argv the engineer approves
        await pilot.press("n")
        await pilot.pause()
        assert "Not approved: no command of this plan runs." in screen_text(app)
        assert events_of(state, "probe_ran") == []
        await pilot.press("r", "y")
        assert await wait_until(pilot, lambda: events_of(state, "probe_ran"), timeout=20)
        assert await wait_until(pilot, lambda: app.state.steps["login"].status is StepStatus.PASS)
        # Approved once for this plan: the next run asks nothing.
        await pilot.press("r")
        assert await wait_until(pilot, lambda: len(events_of(state, "probe_ran")) == 2, timeout=20)
    assert [e.kind for e in events_of(state, "commands_approved")] == ["commands_approved"]


async def test_a_running_check_shows_its_output_live_and_ctrl_k_stops_it(tmp_path, own_config):
    code = "import time; print('migrating 1/3', flush=True); time.sleep(60)"
    session, state = with_login_check(tmp_path, command_check(code, timeout="2m"))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await check_login_and_open_its_details(pilot, app)
        assert await wait_until(pilot, lambda: "migrating 1/3" in screen_text(app), timeout=20)
        assert "Running: output so far" in screen_text(app)
        await pilot.press("escape", "ctrl+k")
        assert await wait_until(pilot, lambda: events_of(state, "probe_ran"), timeout=20)
    (result,) = events_of(state, "probe_ran")
    assert result.outcome.value == "error"
    assert "cancelled by the operator" in result.reason
    # Could not check: the step keeps its status and trips nothing.
    assert app.state.steps["login"].status is StepStatus.PENDING


async def test_the_details_of_an_untouched_step_show_its_check_once_it_ends(tmp_path, own_config):
    code = "import time; print('warming up', flush=True); time.sleep(1); print('all good')"
    session, state = with_login_check(tmp_path, command_check(code))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await check_login_and_open_its_details(pilot, app)
        assert await wait_until(pilot, lambda: "Running: output so far" in screen_text(app), timeout=20)
        # The step had no event when its details opened; the check's result is its first.
        assert await wait_until(pilot, lambda: "last probe" in screen_text(app), timeout=20)
        text = screen_text(app)
        assert "PASS" in text
        assert "all good" in text
        assert "Running: output so far" not in text
    (result,) = events_of(state, "probe_ran")
    assert result.outcome.value == "pass"


PAGER = """
[escalation.pagerduty]
routing_key_env = "RB_PD_ROUTING"
api_url = "{url}"
"""


async def test_a_trip_offers_a_page_and_p_pages_after_a_preview(tmp_path, own_config, httpserver, monkeypatch):
    httpserver.expect_request("/v2/enqueue", method="POST").respond_with_json({"status": "success"}, status=202)
    monkeypatch.setenv("RB_PD_ROUTING", "routing-key-123")
    session, state = with_login_check(tmp_path, "", tail=PAGER.format(url=httpserver.url_for("/").rstrip("/")))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        app.record(MarkStep("login", StepStatus.FAIL, "SSO 500"))
        assert await wait_until(pilot, lambda: "press P to page the escalation path" in screen_text(app))
        await pilot.press("P")
        await pilot.pause()
        assert "Page the escalation path" in screen_text(app)
        assert "rollback criteria tripped" in app.screen.query_one("#note", Input).value
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: events_of(state, "notice_sent"), timeout=20)
    ((request, _),) = httpserver.log
    assert request.get_json()["routing_key"] == "routing-key-123"
    assert request.get_json()["event_action"] == "trigger"
    (page,) = events_of(state, "notice_sent")
    assert (page.notice.value, page.delivered) == ("page", True)
    assert "routing-key-123" not in state.read_text(encoding="utf-8")
