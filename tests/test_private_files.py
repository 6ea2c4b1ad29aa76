"""Files relboard creates are private; a state file that cannot be written is said so before anything is done;
a rehearsal records into its own file (issue items 8, 9 and 10)."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relboard.domain.events import StepMarked, StepStatus, utc_now
from relboard.domain.identity import new_id
from relboard.hub.outbox import Outbox, sent_path
from relboard.store.files import write_atomically
from relboard.store.journal import Journal, StateError
from relboard.store.state_repair import repair_state
from tests.conftest import MINIMAL, ROOT


def relboard(*args: str, cwd: Path | None = None, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relboard", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=60,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def plan(tmp_path) -> Path:
    target = tmp_path / "tonight.toml"
    shutil.copy(MINIMAL, target)
    return target


# ---- item 10: private by default ------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_state_lock_report_and_side_files_are_the_owners_alone_whatever_the_umask(plan, umask):
    assert relboard("mark", str(plan), "apply", "pass", umask=umask).returncode == 0
    state = plan.parent / "tonight.state.toml"
    assert relboard("report", str(plan), "--out", str(plan.parent / "report.md"), umask=umask).returncode == 0
    assert mode(state) == 0o600
    assert mode(plan.parent / "tonight.state.toml.lock") == 0o600
    assert mode(plan.parent / "report.md") == 0o600
    state.write_bytes(state.read_bytes().replace(b'status = "pass"', b'status = "fail"'))
    assert relboard("state", "repair", str(plan), umask=umask).returncode == 0
    assert mode(state) == 0o600
    (side,) = plan.parent.glob("*.damaged-*.toml")
    assert mode(side) == 0o600


def test_in_a_setgid_team_folder_the_group_may_read_and_write(tmp_path):
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)
    plan = team / "tonight.toml"
    shutil.copy(MINIMAL, plan)
    assert relboard("mark", str(plan), "apply", "pass", umask=0o022).returncode == 0
    assert mode(team / "tonight.state.toml") == 0o660
    assert mode(team / "tonight.state.toml.lock") == 0o660


def test_the_cache_of_a_long_journal_is_private(tmp_path):
    path = tmp_path / "long.state.toml"
    journal = Journal(path)
    note = "x" * 2000
    for number in range(600):
        journal.append(
            StepMarked(at=utc_now(), by="dana", step="apply", status=StepStatus.PASS, note=f"{number}{note}")
        )
    Journal(path).load()
    assert journal.cache_path.exists()
    assert mode(journal.cache_path) == 0o600


def test_a_report_written_over_an_existing_file_keeps_that_files_mode(plan, tmp_path):
    target = tmp_path / "shared-report.md"
    target.write_text("old")
    target.chmod(0o644)
    assert relboard("report", str(plan), "--out", str(target)).returncode == 0
    assert mode(target) == 0o644
    assert target.read_text().startswith("# Post-change report")


def test_atomic_writes_leave_no_temporary_file_and_never_follow_a_planted_link(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    target = tmp_path / "out.md"
    # A lock file planted as a link to another file is not followed: the journal refuses it.
    (tmp_path / "w.state.toml.lock").symlink_to(victim)
    with pytest.raises(StateError, match=r"w\.state\.toml"):
        Journal(tmp_path / "w.state.toml").append(
            StepMarked(at=utc_now(), by="d", step="apply", status=StepStatus.PASS)
        )
    assert victim.read_text() == "untouched"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "victim", "w.state.toml.lock"]


# ---- item 9: a state file that cannot be written -----------------------------------------------------


@contextlib.contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """Make `path` unwritable for whoever runs the tests: the immutable flag for root, the mode otherwise."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        before = mode(path)
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(before)


def test_a_state_file_that_cannot_be_written_is_said_so_and_mark_is_a_clear_error(plan):
    assert relboard("mark", str(plan), "apply", "pass").returncode == 0
    state = plan.parent / "tonight.state.toml"
    before = state.read_bytes()
    with unwritable(state):
        reason = Journal(state).unwritable_reason()
        assert reason is not None
        assert reason.startswith("the state file is not writable (")
        mark = relboard("mark", str(plan), "apply", "fail", "--note", "x")
        status = relboard("status", str(plan))
    assert mark.returncode == 2
    assert mark.stderr.startswith(f"{state}:1:1: cannot record here: the state file is not writable (")
    assert mark.stderr.rstrip().endswith("nothing was written")
    assert len(mark.stderr.splitlines()) == 1
    assert status.returncode == 0
    assert state.read_bytes() == before
    assert Journal(state).unwritable_reason() is None


def test_a_folder_where_no_state_can_be_created_is_said_so(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    with unwritable(folder):
        reason = Journal(folder / "new.state.toml").unwritable_reason()
    assert reason is not None
    assert reason.startswith(f"its folder {folder} is not writable (")


def test_repair_of_a_state_that_cannot_be_written_changes_nothing(plan):
    assert relboard("mark", str(plan), "apply", "pass").returncode == 0
    state = plan.parent / "tonight.state.toml"
    state.write_bytes(state.read_bytes().replace(b'status = "pass"', b'status = "fail"'))
    damaged = state.read_bytes()
    with unwritable(plan.parent):
        result = relboard("state", "repair", str(plan), "--state", str(state))
        with pytest.raises(StateError, match="could not repair"):
            repair_state(state, by="x")
    assert result.returncode == 2
    assert "the file was not changed" in result.stderr
    assert state.read_bytes() == damaged
    assert list(plan.parent.glob("*.damaged-*")) == []


# ---- item 8: a rehearsal records into its own state file ----------------------------------------------


def _run_board_until_drawn(args: list[str], cwd: Path) -> str:
    """Open the board in a terminal, wait for its first frame, quit with q; return what the terminal got
    before the board took over the screen (Textual draws on stderr, where relboard's notes go too)."""
    leader, follower = pty.openpty()
    board = subprocess.Popen(
        [sys.executable, "-m", "relboard", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b"Platform 4.2" not in seen and board.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:  # the board is gone: what it said is already in `seen`
                    break
        os.write(leader, b"q")
        while board.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(leader, 65536)
    finally:
        if board.poll() is None:
            board.kill()
        board.wait(timeout=30)
        os.close(leader)
    assert b"Platform 4.2" in seen, seen[-2000:]
    assert board.returncode == 0
    return seen.split(b"\x1b", 1)[0].decode()


def test_a_rehearsal_records_into_its_own_state_file_and_names_it(plan):
    said = _run_board_until_drawn([str(plan), "--now", "2026-12-05T22:40:00+01:00", "--operator", "Dana"], plan.parent)
    rehearsal = plan.parent / "tonight.rehearsal.state.toml"
    assert said.startswith(f"rehearsal: recording into {rehearsal}, not the window's own state")
    assert rehearsal.exists()
    assert [e.kind for e in Journal(rehearsal).load()] == ["plan_loaded"]
    assert not (plan.parent / "tonight.state.toml").exists()

    chosen = plan.parent / "chosen.state.toml"
    said = _run_board_until_drawn(
        [str(plan), "--now", "2026-12-05T22:40:00+01:00", "--state", str(chosen), "--operator", "Dana"], plan.parent
    )
    assert said == ""
    assert chosen.exists()
    assert not (plan.parent / "tonight.state.toml").exists()


def test_the_hub_outbox_is_private(tmp_path):
    state = tmp_path / "tonight.state.toml"
    sent = Outbox(state, stream="1733433600")
    first, second = new_id(), new_id()
    sent.mark([first])
    sent.mark([second])  # appended to the same file
    assert mode(sent_path(state)) == 0o600
    assert Outbox(state, stream="1733433600").sent == {first, second}
