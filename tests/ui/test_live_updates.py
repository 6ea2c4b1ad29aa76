"""Another writer on the same window (`relboard mark`, a second board) shows up on an open board."""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import UTC, datetime

import tomli_w
from board_helpers import WIDE, arrive, events_of, make_app, minimal_data, screen_text, wait_until

from relboard.domain.events import IssueOpened, StepMarked, StepStatus
from relboard.store.journal import Journal
from relboard.window.session import WindowSession


async def test_an_external_mark_appears_within_a_second(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert await wait_until(pilot, lambda: events_of(state_path, "plan_loaded"))
        other = Journal(state_path)
        other.load()
        other.append(StepMarked(at=datetime.now(UTC), by="alex", step="login", status=StepStatus.FAIL, note="500"))
        other.append(
            IssueOpened(at=datetime.now(UTC), by="alex", issue="ext-1", title="Tenant 3 login fails", owner="Sam")
        )
        # The board polls twice a second; the wait is generous so a loaded machine does not flake.
        assert await wait_until(pilot, lambda: "✖ ★ Validate login and tenant access" in screen_text(app), timeout=3)
        text = screen_text(app)
        assert "alex" in text
        assert "Tenant 3 login fails" in text
        assert "2 open known issues" in text
        assert "✖ TRIPPED login-broken" in text


async def test_a_mark_from_another_process_appears(session, state_path, tmp_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        assert await wait_until(pilot, lambda: events_of(state_path, "step_marked"))
        script = (
            "import sys; from datetime import datetime, timezone; from pathlib import Path;"
            "from relboard.store.journal import Journal; from relboard.domain.events import StepMarked;"
            "j = Journal(Path(sys.argv[1])); j.load();"
            "j.append(StepMarked(at=datetime.now(timezone.utc), by='remote', step='apply', status='pass'))"
        )
        subprocess.run([sys.executable, "-c", script, str(state_path)], check=True, timeout=30)
        assert await wait_until(pilot, lambda: "✔ ★ Apply the release" in screen_text(app), timeout=3)
        # The board's own mark and the other process's are both on disk, in the order written.
        assert [(e.step, e.by) for e in events_of(state_path, "step_marked")] == [
            ("confirm-scope", "tester"),
            ("apply", "remote"),
        ]
        await pilot.press("j", "j", "j", "p")  # communicate step, written after the foreign one
        assert await wait_until(pilot, lambda: len(events_of(state_path, "step_marked")) == 3)
    assert app.state.steps["apply"].status is StepStatus.PASS


async def test_a_step_marked_off_screen_shows_its_mark_once_scrolled_to(tmp_path, state_path, own_config):
    data = copy.deepcopy(minimal_data())
    data["steps"] += [
        {"id": f"check-{n}", "phase": "validate", "title": f"Check region {n}", "owner": "Lee QA"} for n in range(200)
    ]
    plan = tmp_path / "long.toml"
    plan.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    app = make_app(WindowSession.open(plan, state_path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("end")  # the last row drawn once, then out of sight again
        assert await wait_until(pilot, lambda: "◌   Check region 199" in screen_text(app))
        await pilot.press("home")
        assert await wait_until(pilot, lambda: "◌   Check region 199" not in screen_text(app))
        # Both marks arrive at once: the one on screen is repainted, the other made again when shown.
        arrive(
            app,
            StepMarked(at=datetime.now(UTC), by="alex", step="check-199", status=StepStatus.FAIL),
            StepMarked(at=datetime.now(UTC), by="alex", step="check-0", status=StepStatus.BLOCKED),
        )
        assert await wait_until(pilot, lambda: "⊘   Check region 0" in screen_text(app))
        await pilot.press("end")
        assert await wait_until(pilot, lambda: "✖   Check region 199" in screen_text(app))
