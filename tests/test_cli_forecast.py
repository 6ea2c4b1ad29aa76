"""`mark ... started`, the forecast in `status`, `handover` and the waits in `validate`, as a user runs them."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from relboard.domain.events import StepMarked, StepStatus
from relboard.store.journal import Journal
from tests.conftest import MINIMAL
from tests.test_cli import relboard

CET = timezone(timedelta(hours=1))
# The minimal plan with expectations: scope 10m, apply 30m, login 20m (critical), notify-done 10m.
TIMED = (
    MINIMAL.read_text(encoding="utf-8")
    .replace(
        'owner = "Sam Platform"\n\n[[steps]]\nid = "apply"',
        'owner = "Sam Platform"\nexpected = "10m"\n\n[[steps]]\nid = "apply"',
    )
    .replace('title = "Apply the release"', 'title = "Apply the release"\nexpected = "30m"')
    .replace(
        'title = "Validate login and tenant access"', 'title = "Validate login and tenant access"\nexpected = "20m"'
    )
    .replace('title = "Communicate completion', 'expected = "10m"\ntitle = "Communicate completion')
)


@pytest.fixture
def timed_plan(tmp_path) -> Path:
    target = tmp_path / "tonight.toml"
    target.write_text(TIMED, encoding="utf-8")
    plan = tomllib.loads(TIMED)
    assert [s.get("expected") for s in plan["steps"]] == ["10m", "30m", "20m", "10m"]
    return target


def events_in(state_file: Path) -> list[dict]:
    return tomllib.loads(state_file.read_text(encoding="utf-8"))["event"]


def test_mark_started_records_a_step_started_event(timed_plan):
    result = relboard("mark", str(timed_plan), "confirm-scope", "started", "--by", "sam")
    assert result.returncode == 0, result.stderr
    state_file = timed_plan.with_name("tonight.state.toml")
    assert result.stdout == f"confirm-scope: started (saved to {state_file})\n"
    started = events_in(state_file)[-1]
    assert started["kind"] == "step_started"
    assert started["step"] == "confirm-scope"
    assert started["by"] == "sam"


def test_marking_a_waiting_step_is_allowed_and_noted(timed_plan):
    result = relboard("mark", str(timed_plan), "login", "pass", "--by", "lee")
    assert result.returncode == 0, result.stderr
    state_file = timed_plan.with_name("tonight.state.toml")
    assert result.stdout == f"login: pass, while it waited on apply (saved to {state_file})\n"
    marked = events_in(state_file)[-1]
    assert marked["kind"] == "step_marked"
    assert marked["waited_on"] == ["apply"]


def test_an_unknown_status_lists_started_among_the_choices(timed_plan):
    result = relboard("mark", str(timed_plan), "login", "begun")
    assert result.returncode == 2
    assert "pending, pass, fail, skip, blocked, started" in result.stderr


def test_status_shows_the_forecast_line_and_json(timed_plan):
    state_file = timed_plan.with_name("tonight.state.toml")
    # Ten minutes expected, twenty taken: the pace doubles what is left.
    Journal(state_file).append(
        StepMarked(at=datetime(2026, 12, 5, 22, 20, tzinfo=CET), by="sam", step="confirm-scope", status=StepStatus.PASS)
    )
    now = "2026-12-05T22:20:00+01:00"
    document = json.loads(relboard("status", str(timed_plan), "--now", now, "--json").stdout)
    assert document["forecast"] == {
        "validated_by": "2026-12-06T00:00:00+01:00",
        "finish": "2026-12-06T00:20:00+01:00",
        "rollback_deadline": "2026-12-05T23:30:00+01:00",
        "window_end": "2026-12-06T00:00:00+01:00",
        "margin_s": -30 * 60,
        "verdict": "will-miss",
        "pace": 2.0,
    }
    text = relboard("status", str(timed_plan), "--now", now)
    assert text.returncode == 0, text.stderr
    assert (
        "Forecast: WILL MISS · validated by 00:00 (0:30:00 after the rollback deadline)"
        " · finish 00:20 (0:20:00 after the window end) · pace 2.00"
    ) in text.stdout.splitlines()


def test_status_says_unknown_without_expectations(tmp_path):
    plan = tmp_path / "plain.toml"
    plan.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    result = relboard("status", str(plan), "--now", "2026-12-05T22:20:00+01:00", "--json")
    forecast = json.loads(result.stdout)["forecast"]
    assert forecast["verdict"] == "unknown"
    assert forecast["validated_by"] is None
    assert forecast["margin_s"] is None
    text = relboard("status", str(plan), "--now", "2026-12-05T22:20:00+01:00").stdout
    assert "Forecast: unknown (no step has an expected duration)" in text.splitlines()


def test_handover_prints_the_summary_and_records_it(timed_plan):
    state_file = timed_plan.with_name("tonight.state.toml")
    journal = Journal(state_file)
    journal.append(
        StepMarked(at=datetime(2026, 12, 5, 22, 10, tzinfo=CET), by="sam", step="confirm-scope", status=StepStatus.PASS)
    )
    result = relboard("handover", str(timed_plan), "--to", "Rio", "--by", "Sam", "--now", "2026-12-05T22:30:00+01:00")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Handover: Platform 4.2 upgrade (CHG-1042) — prod-eu",
        "From Sam to Rio at 22:30 UTC+01:00",
        "Clock: in window 0:30:00 of 2:00:00 · 1:30:00 left; rollback decision by 23:30 (in 1:00:00)",
        "Forecast: on track · validated by 23:20 (0:10:00 before the rollback deadline)"
        " · finish 23:30 (0:30:00 before the window end) · pace 1.00",
    ]
    assert "Done: 1 of 4 steps (prepare 1/1, apply 0/1, validate 0/1, communicate 0/1)" in lines
    assert "  - apply: Apply the release (Sam Platform, critical, about 30m)" in lines
    assert "Open known issues:" in lines
    assert "Rollback criteria tripped: none" in lines
    assert "Decisions: none" in lines
    assert result.stderr == f"handed over to Rio (saved to {state_file})\n"
    handover = events_in(state_file)[-1]
    assert handover["kind"] == "handover"
    assert (handover["outgoing"], handover["incoming"], handover["by"]) == ("Sam", "Rio", "Sam")
    assert handover["at"] == datetime(2026, 12, 5, 22, 30, tzinfo=CET)
    assert handover["summary"] == result.stdout.rstrip("\n")


def test_handover_needs_a_name(timed_plan):
    result = relboard("handover", str(timed_plan), "--to", " ")
    assert result.returncode == 2
    assert "--to needs the incoming engineer's name" in result.stderr
    assert not timed_plan.with_name("tonight.state.toml").exists()


def test_validate_refuses_a_cycle_with_its_position(timed_plan):
    text = timed_plan.read_text(encoding="utf-8").replace(
        'title = "Apply the release"', 'title = "Apply the release"\nafter = ["login"]'
    )
    timed_plan.write_text(text, encoding="utf-8")
    result = relboard("validate", str(timed_plan))
    assert result.returncode == 2
    line = text.splitlines().index('after = ["login"]') + 1
    assert result.stderr.splitlines() == [
        f"{timed_plan}:{line}:10: steps[1].after[0]: these steps wait on each other, so none of them can start:"
        ' "apply" waits on "login", "login" follows "apply" (the step before it);'
        " remove one of these waits (after = [] lets a step start at any time)"
    ]
