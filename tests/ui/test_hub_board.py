"""A board on a team hub: another machine's mark shows on it, and the header says how the hub is doing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from board_helpers import WIDE, screen_text, wait_until

from relboard.domain.events import StepStatus
from relboard.hub.address import hub_address
from relboard.ui.app import RelboardApp
from relboard.ui.fleet import FleetApp
from relboard.window.session import WindowSession
from tests.conftest import MINIMAL


def laptop(tmp_path, name: str):
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "window.toml")
    return folder / "window.toml"


async def test_a_mark_from_another_machine_shows_on_the_board_with_its_author(tmp_path, own_config, nats_hub):
    mine, theirs = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    session = WindowSession.open(mine)
    app = RelboardApp(session, operator="Dana Ops", hub=hub_address(nats_hub.url))
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: "hub: live" in screen_text(app), timeout=20)
        mark = ["mark", str(theirs), "login", "fail", "--note", "500 on /login", "--by", "Lee QA"]
        done = subprocess.run(
            [sys.executable, "-m", "relboard", *mark, "--hub", nats_hub.url],
            capture_output=True,
            text=True,
            env=os.environ,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert await wait_until(pilot, lambda: app.state.steps["login"].status is StepStatus.FAIL, timeout=10)
        assert app.state.steps["login"].by == "Lee QA"
        assert await wait_until(pilot, lambda: "✖ TRIPPED: login-broken" in screen_text(app))
        # The hub goes away: the board says so, and what is recorded meanwhile waits to be sent.
        nats_hub.stop()
        assert await wait_until(pilot, lambda: "hub: offline" in screen_text(app), timeout=20)
        await pilot.press("p")
        assert await wait_until(pilot, lambda: "unsent" in screen_text(app), timeout=20)
        nats_hub.start()
        assert await wait_until(pilot, lambda: "hub: live" in screen_text(app), timeout=30)
        assert await wait_until(pilot, lambda: "unsent" not in screen_text(app), timeout=30)
    marks = [e for e in WindowSession.open(mine).state.events if e.kind == "step_marked"]
    assert [(e.step, e.by) for e in marks] == [("login", "Lee QA"), ("confirm-scope", "Dana Ops")]


async def test_the_fleet_screen_lists_every_window_on_the_hub_live(tmp_path, own_config, nats_hub):
    theirs = laptop(tmp_path, "b")
    app = FleetApp(hub_address(nats_hub.url))
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: "· live" in screen_text(app), timeout=20)
        done = subprocess.run(
            [sys.executable, "-m", "relboard", "mark", str(theirs), "apply", "pass", "--hub", nats_hub.url],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert await wait_until(pilot, lambda: "Platform 4.2 upgrade" in screen_text(app), timeout=20)
        text = screen_text(app)
        assert "chg-1042-prod-eu" in text
        assert "1/4" in text
