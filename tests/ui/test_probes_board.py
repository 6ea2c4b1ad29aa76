"""Probes from the board, against real local HTTP servers: r, R, the spinner, a host that never answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_helpers import DATA, WIDE, events_of, make_app, screen_text, wait_until

from relboard.domain.rollback import evaluate
from relboard.window.session import WindowSession
from tests.tls import servers

SECRET = "s3cr3t-key-4f9a"
LOGIN_END = 'critical = true\n\n[[steps]]\nid = "notify-done"'


def probe_table(url: str, **extra: str) -> str:
    lines = ["[steps.probe]", f'url = "{url}"', *(f"{key} = {value}" for key, value in extra.items())]
    return "\n".join(lines) + "\n"


def extra_step(step_id: str, phase: str, url: str, **extra: str) -> str:
    head = f'\n[[steps]]\nid = "{step_id}"\nphase = "{phase}"\ntitle = "Probe {step_id}"\nowner = "Lee QA"\n\n'
    return head + probe_table(url, **extra)


def board_on(tmp_path: Path, login_probe: str | None, *extra: str) -> tuple[WindowSession, Path]:
    """The minimal plan, its login step given `login_probe`, more probe steps appended."""
    text = (DATA / "minimal.toml").read_text(encoding="utf-8")
    if login_probe is not None:
        assert LOGIN_END in text
        text = text.replace(LOGIN_END, "critical = true\n\n" + login_probe + '\n[[steps]]\nid = "notify-done"')
    plan = tmp_path / "window.toml"
    plan.write_text(text + "".join(extra), encoding="utf-8")
    state = tmp_path / "window.state.toml"
    return WindowSession.open(plan, state), state


def probes(state_path: Path) -> list:
    return events_of(state_path, "probe_ran")


def line_of(app, words: str) -> str:
    return next((line for line in screen_text(app).splitlines() if words in line), "")


@pytest.fixture
def silent():
    yield from servers.silent_server()


async def select(pilot, app, step_id: str) -> None:
    for _ in range(20):
        if app.selected_step == step_id:
            return
        await pilot.press("j")
    assert app.selected_step == step_id


async def test_r_runs_the_selected_steps_probe_and_the_step_passes(tmp_path, own_config, httpserver):
    httpserver.expect_request("/login").respond_with_data("sign in")
    session, state_path = board_on(tmp_path, probe_table(httpserver.url_for("/login"), expect_body='"sign in"'))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "login")
        await pilot.press("r")
        assert await wait_until(pilot, lambda: probes(state_path))
        await pilot.pause()
        assert "✔ ★ Validate login and tenant access" in screen_text(app)
        assert await wait_until(pilot, lambda: "PASS login 200 in" in screen_text(app))
    (event,) = probes(state_path)
    assert (event.step, event.passed, event.status_code, event.by) == ("login", True, 200, "tester")


async def test_a_failed_probe_fails_the_step_and_trips_its_criterion(tmp_path, own_config, httpserver):
    httpserver.expect_request("/login").respond_with_data("maintenance", status=503)
    session, state_path = board_on(tmp_path, probe_table(httpserver.url_for("/login"), expect_status="200"))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "login")
        await pilot.press("r")
        assert await wait_until(pilot, lambda: probes(state_path))
        await pilot.pause()
        assert "✖ ★ Validate login and tenant access" in screen_text(app)
        assert await wait_until(pilot, lambda: "FAIL login: expected 200, got 503" in screen_text(app))
        assert [s.criterion.id for s in evaluate(app.state) if s.tripped] == ["login-broken"]
    (event,) = probes(state_path)
    assert not event.passed
    assert event.reason == "expected 200, got 503"


async def test_r_on_a_step_without_a_probe_says_so(tmp_path, own_config):
    session, state_path = board_on(tmp_path, None)
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert await wait_until(
            pilot, lambda: "This step has no probe: Confirm the exact environment" in screen_text(app)
        )
        await pilot.pause(0.2)
    assert probes(state_path) == []


async def test_capital_r_runs_every_validate_probe_and_only_those(tmp_path, own_config, httpserver):
    httpserver.expect_request("/login").respond_with_data("ok")
    httpserver.expect_request("/health").respond_with_json({"version": "4.2.0"})
    httpserver.expect_request("/status").respond_with_data("down", status=500)
    httpserver.expect_request("/prepare").respond_with_data("ok")
    session, state_path = board_on(
        tmp_path,
        probe_table(httpserver.url_for("/login")),
        extra_step("api-health", "validate", httpserver.url_for("/health"), expect_json='{ version = "4.2.0" }'),
        extra_step("status-page", "validate", httpserver.url_for("/status")),
        extra_step("pre-check", "prepare", httpserver.url_for("/prepare")),
    )
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("R")
        assert await wait_until(pilot, lambda: len(probes(state_path)) == 3)
        assert await wait_until(pilot, lambda: "3 probes: 2 passed, 1 failed" in screen_text(app))
        text = screen_text(app)
        assert "✔ ★ Validate login and tenant access" in text
        assert "✔   Probe api-health" in text
        assert "✖   Probe status-page" in text
        assert "◌   Probe pre-check" in text  # not run: a prepare step, waiting on the step before it
    assert {(e.step, e.passed) for e in probes(state_path)} == {
        ("login", True),
        ("api-health", True),
        ("status-page", False),
    }
    assert not any(request.path == "/prepare" for request, _ in httpserver.log)


async def test_the_board_answers_keys_while_a_probe_waits_for_a_silent_host(tmp_path, own_config, silent):
    session, state_path = board_on(tmp_path, probe_table(silent.url + "/login", timeout='"1s"'))
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "login")
        await pilot.press("r")
        assert await wait_until(pilot, lambda: "probe running" in line_of(app, "Validate login"))
        # While the probe waits, the cursor moves and a second r does not start a second probe.
        await pilot.press("k")
        await pilot.pause()
        assert app.selected_step == "apply"
        await pilot.press("j")
        await pilot.pause()
        assert app.selected_step == "login"
        await pilot.press("r")
        assert await wait_until(pilot, lambda: "That probe is already running." in screen_text(app))
        assert probes(state_path) == []
        assert await wait_until(pilot, lambda: probes(state_path), timeout=10)
        await pilot.pause()
        assert "probe running" not in screen_text(app)
        assert "✖ ★ Validate login and tenant access" in screen_text(app)
    (event,) = probes(state_path)
    assert not event.passed
    assert event.reason == "no complete answer within 1s (probe deadline)"


async def test_a_secret_header_is_sent_but_never_shown_or_saved(tmp_path, own_config, httpserver, monkeypatch):
    monkeypatch.setenv("RB_API_KEY", SECRET)
    httpserver.expect_request("/login", headers={"X-Api-Key": SECRET}).respond_with_data(f"echo {SECRET}", status=401)
    session, state_path = board_on(
        tmp_path, probe_table(httpserver.url_for("/login"), headers='{ "X-Api-Key" = "env:RB_API_KEY" }')
    )
    app = make_app(session)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "login")
        await pilot.press("r")
        assert await wait_until(pilot, lambda: probes(state_path))
        assert await wait_until(pilot, lambda: "FAIL login: expected a 2xx status, got 401" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert "last probe" in screen_text(app)
        assert SECRET not in screen_text(app)
    assert len(httpserver.log) == 1
    assert SECRET not in state_path.read_text(encoding="utf-8")
