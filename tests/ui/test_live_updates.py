"""Another writer on the same window (`relboard mark`, a second board) shows up on an open board."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from board_helpers import WIDE, events_of, make_app, screen_text, wait_until

from relboard.domain.events import IssueOpened, StepMarked, StepStatus
from relboard.store.journal import Journal


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
