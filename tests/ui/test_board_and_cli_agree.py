"""The board and the command line record through the same rules: the same intent is refused the same way."""

from __future__ import annotations

from board_helpers import WIDE, make_app, screen_text, wait_until

from relboard.domain.events import StepStatus
from relboard.domain.intents import MarkStep
from relboard.window.session import WindowSession
from tests.test_cli import relboard


async def test_a_mark_the_rules_refuse_reads_the_same_on_the_board_and_from_the_cli(plan_path, state_path, own_config):
    cli = relboard("mark", str(plan_path), "retired", "pass", "--state", str(state_path))
    assert cli.returncode == 2
    reason = "there is no step 'retired' in the plan (was it renamed or removed?)"
    assert reason in cli.stderr

    done = relboard("mark", str(plan_path), "login", "pass", "--state", str(state_path))
    assert done.returncode == 0
    again = relboard("mark", str(plan_path), "login", "pass", "--state", str(state_path))
    assert (again.returncode, again.stdout.strip()) == (0, "login: already pass")

    app = make_app(WindowSession.open(plan_path, state_path))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert app.record(MarkStep("retired", StepStatus.PASS)) is False
        # The notification wraps at its width: the same words, over two lines.
        assert await wait_until(pilot, lambda: "There is no step 'retired' in the plan (was it" in screen_text(app))
        assert "removed?); nothing was recorded." in screen_text(app)
        assert app.record(MarkStep("login", StepStatus.PASS)) is False
        assert await wait_until(pilot, lambda: "Login: already pass; nothing was recorded." in screen_text(app))
    marks = [e for e in WindowSession.open(plan_path, state_path).state.events if e.kind == "step_marked"]
    assert len(marks) == 1
