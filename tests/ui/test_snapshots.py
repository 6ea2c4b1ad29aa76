"""SVG snapshots of the board on the demo plan: every window phase at two sizes, every theme, help and a form.

The clock is frozen and every event carries a fixed time, so a snapshot changes only when the board's
looks change. Regenerate after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the new pictures before keeping them.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from relboard.domain.events import (
    Decision,
    DecisionRecorded,
    Event,
    IssueOpened,
    NoteAdded,
    PlanLoaded,
    StepMarked,
    StepStatus,
)
from relboard.store import paths
from relboard.store.journal import Journal
from relboard.store.plan_file import load_plan
from relboard.ui.app import RelboardApp
from relboard.ui.panes.checklist import ChecklistPane
from relboard.ui.rowlist import RowList
from relboard.window.session import WindowSession

NARROW = (80, 24)
WIDE = (160, 48)
SIZES = {"80x24": NARROW, "160x48": WIDE}
THEMES = ["relboard-dark", "relboard-light", "relboard-high-contrast"]
OPERATOR = "lee"

# The demo window opens 2026-12-05 22:00 Europe/Berlin (21:00 UTC), runs 3 h; rollback decision by 00:15 local.
START = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)
# Central European time written out, so no tz database is needed to read event times the same everywhere.
LOCAL_TZ = "CET-1CEST,M3.5.0,M10.5.0/3"


def at(minutes: int) -> datetime:
    """A fixed moment, in minutes from the window's start."""
    return START + timedelta(minutes=minutes)


NOW = {
    "before": at(-20),
    "in-window": at(50),
    "past-deadline": at(145),  # 15 min past the rollback deadline, still inside the window
    "overrun": at(200),
}


def _before(plan_hash: str, step_ids: list[str]) -> list[Event]:
    return [
        PlanLoaded(at=at(-40), by="sam", plan_hash=plan_hash, step_ids=step_ids),
        StepMarked(at=at(-38), by="sam", step="confirm-scope", status=StepStatus.PASS),
        StepMarked(at=at(-35), by="rio", step="review-notes", status=StepStatus.PASS),
        StepMarked(
            at=at(-30),
            by="sam",
            step="backup",
            status=StepStatus.PASS,
            note="Snapshot snap-4.1.3-1205 restored on standby",
        ),
    ]


def _in_window() -> list[Event]:
    return [
        StepMarked(at=at(-25), by="sam", step="confirm-affected", status=StepStatus.PASS),
        StepMarked(
            at=at(-22),
            by="lee",
            step="prepare-checklist",
            status=StepStatus.SKIP,
            note="Accounts reused from the 4.1 window",
        ),
        StepMarked(at=at(-5), by="dana", step="notify-start", status=StepStatus.PASS),
        StepMarked(at=at(0), by="dana", step="status-page", status=StepStatus.PASS),
        StepMarked(at=at(4), by="sam", step="pause-jobs", status=StepStatus.PASS),
        NoteAdded(at=at(30), by="sam", step="apply", note="Migration 4.2-003 at step 5 of 9"),
        IssueOpened(
            at=at(35),
            by="lee",
            issue="issue-1-0a1b",
            title="Scheduled exports queue shows 412 jobs waiting",
            impact="Exports run late after the window",
            workaround="None needed; the queue drains once jobs resume",
            owner="Sam Lindqvist",
        ),
    ]


def _past_deadline() -> list[Event]:
    return [
        StepMarked(at=at(60), by="sam", step="apply", status=StepStatus.PASS),
        StepMarked(at=at(65), by="sam", step="resume-jobs", status=StepStatus.PASS),
        StepMarked(
            at=at(80), by="lee", step="login", status=StepStatus.FAIL, note="SSO redirect returns 500 for tenant south"
        ),
        StepMarked(at=at(90), by="lee", step="navigation", status=StepStatus.PASS),
        StepMarked(at=at(95), by="lee", step="tenant-access", status=StepStatus.BLOCKED),
    ]


def _overrun() -> list[Event]:
    return [
        DecisionRecorded(
            at=at(150),
            by="sam",
            decision=Decision.ROLLBACK,
            rationale="Sign-in for tenant south still fails; no fix before the deadline",
            tripped=["apply-or-access"],
            business_owner="Rio Fernandes",
            technical_owner="Sam Lindqvist",
            next_update="00:45",
        ),
    ]


def history(phase: str, plan_hash: str, step_ids: list[str]) -> list[Event]:
    """What the state file holds at each phase: each phase adds to the one before."""
    events = _before(plan_hash, step_ids)
    order = ["before", "in-window", "past-deadline", "overrun"]
    for later, part in zip(order[1:], (_in_window, _past_deadline, _overrun), strict=False):
        if order.index(phase) >= order.index(later):
            events += part()
    return events


@pytest.fixture(autouse=True)
def fixed_surroundings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty config folder (no user keymap, theme or remembered choice) and one local time zone."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", LOCAL_TZ)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def board(tmp_path: Path, phase: str, theme: str = "relboard-dark") -> RelboardApp:
    """The demo plan in tmp_path with a state file already holding the phase's events (so nothing is
    written, and no plan-changed notice shows, when the board opens)."""
    plan_path = tmp_path / "demo.toml"
    shutil.copy(paths.sample_plans_dir() / "demo.toml", plan_path)
    loaded = load_plan(plan_path)
    state_path = tmp_path / "state" / "demo.state.toml"
    journal = Journal(state_path)
    for event in history(phase, loaded.hash, [step.id for step in loaded.plan.steps]):
        journal.append(event)
    session = WindowSession.open(plan_path, state_path)
    assert session.plan_change is None
    assert session.state.last_plan is not None
    assert session.state.last_plan.plan_hash == loaded.hash
    now = NOW[phase]
    return RelboardApp(session, now=lambda: now, operator=OPERATOR, theme_name=theme)


def steady_cursor(app: RelboardApp) -> None:
    """A blinking cursor would be caught on or off at random; keep it shown, as just after a key press."""
    for field in app.screen.query(Input):
        field.cursor_blink = False


def highlight(app: RelboardApp, step_id: str) -> None:
    """Move the checklist cursor to a step, as the arrow keys would."""
    pane = app.query_one(ChecklistPane)
    row = next(n for n, item in enumerate(pane.rows) if getattr(item, "id", None) == step_id)
    pane.query_one(RowList).move_cursor(row)


async def settle(pilot) -> None:
    await pilot.pause()
    steady_cursor(pilot.app)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("phase", NOW)
def test_board_in_each_phase(snap_compare, tmp_path, phase, size):
    async def look(pilot) -> None:
        await pilot.pause()
        if phase in ("past-deadline", "overrun"):
            # The failed critical step that trips "apply-or-access", with its note in the summary.
            highlight(pilot.app, "login")
        await settle(pilot)

    assert snap_compare(board(tmp_path, phase), terminal_size=SIZES[size], run_before=look)


# relboard-dark, the default, is the in-window 160x48 snapshot above.
@pytest.mark.parametrize("theme", [name for name in THEMES if name != "relboard-dark"])
def test_board_in_each_theme(snap_compare, tmp_path, theme):
    assert snap_compare(board(tmp_path, "in-window", theme), terminal_size=WIDE, run_before=settle)


def test_help_screen(snap_compare, tmp_path):
    async def open_help(pilot) -> None:
        await pilot.pause()
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(board(tmp_path, "in-window"), terminal_size=NARROW, run_before=open_help)


def test_fail_form_half_filled(snap_compare, tmp_path):
    async def start_failing_a_step(pilot) -> None:
        await pilot.pause()
        highlight(pilot.app, "apply")
        await pilot.press("f")
        await pilot.pause()
        # Typed into the note field; the form stays open, unsaved.
        pilot.app.screen.query_one("#note", Input).insert_text_at_cursor("Migration 4.2-003 stops at")
        await settle(pilot)

    assert snap_compare(board(tmp_path, "in-window"), terminal_size=NARROW, run_before=start_failing_a_step)


def test_narrow_tabs_on_known_issues(snap_compare, tmp_path):
    async def show_issues(pilot) -> None:
        await pilot.pause()
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(board(tmp_path, "in-window"), terminal_size=NARROW, run_before=show_issues)
