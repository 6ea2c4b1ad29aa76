"""Issue 11 on the command line: rehearsal times on every recording command, the operator's name,
after notices drafted before the window is over, long countdowns and unverified criteria."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from relboard.domain.events import Handover, NoticeSent, ProbeRan, StepMarked
from relboard.store.journal import Journal
from tests.conftest import MINIMAL

REHEARSAL = "2026-12-05T22:40:00+01:00"
IN_WINDOW = datetime.fromisoformat(REHEARSAL)


@pytest.fixture
def home(tmp_path) -> Path:
    """A private config folder: no remembered name unless a test writes one."""
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


def relboard(*args: str, home: Path, login: str = "lee", **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "XDG_CONFIG_HOME": str(home), "LOGNAME": login, "USER": login, **env}
    return subprocess.run(
        [sys.executable, "-m", "relboard", *args], capture_output=True, text=True, env=environment, timeout=60
    )


@pytest.fixture
def plan(tmp_path) -> Path:
    target = tmp_path / "tonight.toml"
    shutil.copy(MINIMAL, target)
    return target


def events_of(plan: Path) -> list:
    return Journal(plan.with_name("tonight.state.toml")).load()


def near(moment: datetime, given: datetime) -> bool:
    """Recorded at the rehearsal time given, which runs forward while the command works."""
    return given <= moment < given + timedelta(minutes=1)


# --- --now on the recording commands ----------------------------------------------------------------


def test_mark_now_records_rehearsal_times_that_the_report_shows(plan, home):
    result = relboard("mark", str(plan), "apply", "pass", "--by", "Sam", "--now", REHEARSAL, home=home)
    assert result.returncode == 0, result.stderr
    (mark,) = [e for e in events_of(plan) if isinstance(e, StepMarked)]
    assert near(mark.at, IN_WINDOW)
    later = relboard(
        "mark", str(plan), "login", "started", "--by", "Lee", "--now", "2026-12-05T22:55:00+01:00", home=home
    )
    assert later.returncode == 0, later.stderr
    report = relboard("report", str(plan), home=home).stdout
    assert "| 2026-12-05 22:40:00 UTC\\+01:00 | step marked | Sam | Step pass: Apply the release" in report
    assert "| 2026-12-05 22:55:00 UTC\\+01:00 |" in report


def test_a_bad_now_is_refused_before_anything_is_recorded(plan, home):
    result = relboard("mark", str(plan), "apply", "pass", "--now", "tonight", home=home)
    assert result.returncode == 2
    assert "--now: 'tonight' is not a date and time" in result.stderr
    assert not plan.with_name("tonight.state.toml").exists()


def test_probe_now_records_rehearsal_times(httpserver, plan, home):
    httpserver.expect_request("/health").respond_with_data("ok")
    with plan.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[steps]]\nid = "api-health"\nphase = "validate"\ntitle = "API health"\nowner = "Lee QA"\n'
            f'\n[steps.probe]\nurl = "{httpserver.url_for("/health")}"\n'
        )
    result = relboard("probe", str(plan), "--by", "Lee QA", "--now", REHEARSAL, home=home)
    assert result.returncode == 0, result.stderr
    (probe,) = [e for e in events_of(plan) if isinstance(e, ProbeRan)]
    assert near(probe.at, IN_WINDOW)


def test_handover_now_records_the_rehearsal_time(plan, home):
    result = relboard("handover", str(plan), "--to", "Rio", "--by", "Sam", "--now", REHEARSAL, home=home)
    assert result.returncode == 0, result.stderr
    (handover,) = [e for e in events_of(plan) if isinstance(e, Handover)]
    assert handover.at == IN_WINDOW
    assert "Clock: in window 0:40:00 of 2:00:00 · 1:20:00 left" in result.stdout


# --- who is recorded ---------------------------------------------------------------------------------


def test_recording_as_root_warns_and_says_how_to_give_a_name(plan, home):
    result = relboard("mark", str(plan), "apply", "pass", home=home, login="root")
    assert result.returncode == 0, result.stderr
    assert "warning: recording as 'root', a shared account" in result.stderr
    assert "--by NAME" in result.stderr
    assert str(home / "relboard" / "preferences.toml") in result.stderr
    (mark,) = [e for e in events_of(plan) if isinstance(e, StepMarked)]
    assert mark.by == "root"


def test_the_name_the_board_remembers_is_recorded_before_the_login(plan, home):
    (home / "relboard").mkdir()
    (home / "relboard" / "preferences.toml").write_text('operator = "Sam Lindqvist"\n', encoding="utf-8")
    result = relboard("mark", str(plan), "apply", "pass", home=home, login="root")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    (mark,) = [e for e in events_of(plan) if isinstance(e, StepMarked)]
    assert mark.by == "Sam Lindqvist"


def test_by_wins_and_a_shared_name_given_with_by_still_warns(plan, home):
    sam = relboard("mark", str(plan), "apply", "pass", "--by", "Sam", home=home, login="root")
    assert "warning" not in sam.stderr
    bot = relboard("handover", str(plan), "--to", "Rio", "--by", "jenkins", home=home)
    assert bot.returncode == 0
    assert "warning: recording as 'jenkins', a shared account" in bot.stderr
    assert [e.by for e in events_of(plan) if e.kind != "plan_loaded"] == ["Sam", "jenkins"]


def test_commands_that_record_nothing_never_warn(plan, home):
    for args in (("status", str(plan)), ("notice", "before", str(plan)), ("report", str(plan))):
        result = relboard(*args, home=home, login="root")
        assert result.returncode == 0, result.stderr
        assert "shared account" not in result.stderr


# --- the after notice before the window is over -------------------------------------------------------


def test_after_notice_eight_days_ahead_says_not_started(plan, home):
    result = relboard("notice", "after", str(plan), "--now", "2026-11-27T09:21:35+01:00", home=home)
    assert result.returncode == 0
    assert "Result: not started; the window starts 2026-12-05 22:00 UTC+01:00 (21:00 UTC)." in result.stdout
    assert "Result: failed" not in result.stdout
    assert "the change is failed" not in result.stdout
    assert "note: the current moment calls for the before notice" in result.stderr


def test_after_notice_mid_window_says_in_progress_with_what_is_open(plan, home):
    relboard("mark", str(plan), "apply", "pass", "--by", "Sam", "--now", REHEARSAL, home=home)
    result = relboard("notice", "after", str(plan), "--now", "2026-12-05T22:45:00+01:00", home=home)
    assert "Result: in progress; still open: login (pending)." in result.stdout
    assert "note: a draft: the change is in progress (still open: login (pending))" in result.stderr


def test_sending_a_draft_after_notice_without_a_terminal_refuses_and_names_what_is_open(httpserver, plan, home):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    hook = {"RELBOARD_WEBHOOK": httpserver.url_for("/hook")}
    result = relboard("notice", "after", str(plan), "--send", "--now", REHEARSAL, home=home, **hook, login="dana")
    assert result.returncode == 2
    assert (
        "relboard notice: not sent (no terminal to confirm on): this after notice is a draft: the change is in progress"
        " (still open: apply (pending), login (pending)). Pass --yes to send it anyway."
    ) in result.stderr
    assert httpserver.log == []
    assert not plan.with_name("tonight.state.toml").exists()

    sent = relboard("notice", "after", str(plan), "--send", "--yes", "--now", REHEARSAL, home=home, **hook)
    assert sent.returncode == 0, sent.stderr
    assert len(httpserver.log) == 1
    (notice,) = [e for e in events_of(plan) if isinstance(e, NoticeSent)]
    assert near(notice.at, IN_WINDOW)
    assert "Result: in progress; still open: apply (pending), login (pending)." in notice.text


def run_on_a_terminal(args: list[str], answer: bytes, env: dict) -> tuple[int, str]:
    """Run with a pseudo-terminal as stdin; answer the question once it is asked."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "relboard", *args],
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    os.close(secondary)
    asked = b""
    deadline = time.monotonic() + 30
    assert process.stderr is not None
    while b"[y/N]" not in asked and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 1)
        if ready:
            chunk = os.read(process.stderr.fileno(), 4096)
            if not chunk:
                break
            asked += chunk
    os.write(main, answer)
    _out, rest = process.communicate(timeout=30)
    os.close(main)
    return process.returncode, (asked + rest).decode()


@pytest.mark.parametrize(("answer", "code", "posts"), [(b"y\n", 0, 1), (b"n\n", 1, 0)])
def test_on_a_terminal_sending_a_draft_asks_first(httpserver, plan, home, answer, code, posts):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    env = {"RELBOARD_WEBHOOK": httpserver.url_for("/hook"), "XDG_CONFIG_HOME": str(home), "LOGNAME": "dana"}
    returncode, stderr = run_on_a_terminal(
        ["notice", "after", str(plan), "--send", "--now", "2026-11-27T09:00:00+01:00"], answer, env
    )
    assert (
        "This after notice is a draft: the change is not started (still open: apply (pending), login (pending))."
        " Send it anyway? [y/N]"
    ) in stderr
    assert returncode == code, stderr
    assert len(httpserver.log) == posts


def test_an_after_notice_past_the_window_is_sent_without_asking(httpserver, plan, home):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    result = relboard(
        "notice",
        "after",
        str(plan),
        "--send",
        "--now",
        "2026-12-06T00:10:00+01:00",
        home=home,
        RELBOARD_WEBHOOK=httpserver.url_for("/hook"),
    )
    assert result.returncode == 0, result.stderr
    assert "Result: failed." in result.stdout  # the window is over and nothing was validated


# --- clock text and criteria in status ---------------------------------------------------------------


def test_status_counts_days_down(plan, home):
    result = relboard("status", str(plan), "--now", "2026-11-27T09:21:35+01:00", home=home)
    assert "Clock: starts in 8d 12:38:25" in result.stdout


def test_status_shows_a_skipped_linked_step_as_unverified_never_continue(plan, home):
    relboard("mark", str(plan), "login", "skip", "--note", "no test tenant", "--by", "Lee", home=home)
    result = relboard("status", str(plan), "--now", REHEARSAL, home=home)
    assert "Rollback criteria unverified (never ok until checked):" in result.stdout
    assert (
        "  login-broken: Login fails for any tenant after the release is applied (unverified: login was skipped)"
        in (result.stdout)
    )
    assert "continue" not in result.stdout.split("Recommendation:")[1].splitlines()[0]


def test_status_shows_a_blocked_linked_step_as_tripped(plan, home):
    relboard("mark", str(plan), "login", "blocked", "--by", "Lee", home=home)
    result = relboard("status", str(plan), "--now", REHEARSAL, "--json", home=home)
    assert '"state": "tripped"' in result.stdout
    assert '"why": "blocked: login"' in result.stdout
