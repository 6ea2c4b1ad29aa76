"""A board keeps working when relboard is installed again under it: every dialog opens, no import fails."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import subprocess
import sys
import time

from tests.conftest import MINIMAL, ROOT

DIALOGS = [
    ("?", b"Keys"),
    ("i", b"New known issue"),
    ("d", b"Record a rollback decision"),
    ("c", b"Notice preview"),
    ("t", b"Window starts"),
    ("\r", b"Step details"),
    ("H", b"Hand the window over"),
    ("\x10", b"Search for commands"),  # ctrl+p
]


def read_until(leader: int, board: subprocess.Popen[bytes], wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and board.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    return seen


def test_every_dialog_opens_after_the_installed_files_are_gone(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "relboard", site / "relboard", ignore=shutil.ignore_patterns("__pycache__"))
    for bundled in ("sample_plans", "themes"):  # where an installed wheel keeps them
        shutil.copytree(ROOT / bundled, site / "relboard" / bundled)
    shutil.copy(MINIMAL, tmp_path / "window.toml")
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(site), "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "48"}
    board = subprocess.Popen(
        [sys.executable, "-m", "relboard", str(tmp_path / "window.toml"), "--operator", "Dana"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=tmp_path,
        env=env,
    )
    os.close(follower)
    seen = b""
    try:
        seen += read_until(leader, board, b"Platform 4.2", 60)
        assert b"Platform 4.2" in seen, seen[-2000:]
        # The lazily imported modules load in the background just after the first frame.
        seen += read_until(leader, board, b"\x00never", 6)
        shutil.rmtree(site / "relboard")  # relboard installed again: the old files are gone
        for key, title in DIALOGS:
            os.write(leader, key.encode())
            seen += read_until(leader, board, title, 20)
            assert title in seen, (key, seen[-3000:])
            assert board.poll() is None, seen[-3000:]
            os.write(leader, b"\x1b")
            seen += read_until(leader, board, b"\x00never", 1)
        os.write(leader, b"q")
        read_until(leader, board, b"\x00never", 10)
    finally:
        if board.poll() is None:
            board.kill()
        board.wait(timeout=30)
        with contextlib.suppress(OSError):
            os.close(leader)
    assert b"Traceback" not in seen
    assert b"ModuleNotFoundError" not in seen
    assert board.returncode == 0
