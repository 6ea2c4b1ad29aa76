"""Start-up processes, shared by the open and memory figures: the minimal app, the minimal app after opening
each plan's window session (the floor any board of that plan has), the board on the demo plan and on the
large plan, one after another in rotating order, each reporting its first full frame."""

from __future__ import annotations

import sys

from benchmarks.processes import Samples, alternate
from benchmarks.workspace import HERE, Workspace

DRIVER = "frame_driver:FirstFrameDriver"
_cache: dict[int, Samples] = {}


def samples(ws: Workspace) -> Samples:
    if id(ws) not in _cache:
        env = ws.child_env(TEXTUAL_DRIVER=DRIVER, PYTHONPATH=str(HERE / "child"))
        board = ws.relboard_command()
        session_app = [sys.executable, str(HERE / "child" / "session_app.py")]
        large_state = ws.copy_of_large_state("open.state.toml")
        commands = {
            "minimal": ([sys.executable, str(HERE / "child" / "minimal_app.py")], env),
            "session-demo": (session_app + [str(ws.demo), str(ws.demo_state)], env),
            "session-large": (session_app + [str(ws.large), str(large_state)], env),
            "demo": (board + [str(ws.demo), "--state", str(ws.demo_state), "--operator", "bench"], env),
            "large": (
                board + [str(ws.large), "--state", str(large_state), "--operator", "bench"],
                env,
            ),
        }
        _cache[id(ws)] = alternate(commands, rounds=ws.sizes.open_runs)
    return _cache[id(ws)]
