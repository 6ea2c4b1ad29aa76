"""Start-up processes, shared by the open and memory figures: the minimal app, the minimal app after opening
each plan's window session (the floor any board of that plan has), the board on the demo plan and on the
large plan, one after another in rotating order, each reporting its first full frame."""

from __future__ import annotations

import sys

from benchmarks.processes import Samples, alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
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
            "session-demo": ([*session_app, str(ws.demo), str(ws.demo_state)], env),
            "session-large": ([*session_app, str(ws.large), str(large_state)], env),
            "demo": ([*board, str(ws.demo), "--state", str(ws.demo_state), "--operator", "bench"], env),
            "large": (
                [*board, str(ws.large), "--state", str(large_state), "--operator", "bench"],
                env,
            ),
        }
        _cache[id(ws)] = alternate(commands, rounds=ws.sizes.open_runs)
    return _cache[id(ws)]


FLOOR_NAME = "minimal app + window session"


def compared(
    ws: Workspace, figure: str, kind: str, floor_kind: str, *, target: float, floor_target: float, memory: bool = False
) -> list[Figure]:
    """Two rows for one kind of board: the issue's, against the minimal app, and the one we propose, against
    the same app after opening that plan's window session (see child/session_app.py)."""
    s = samples(ws)

    def value(name: str) -> float:
        return median(s.rss(name)) / 1024 if memory else median(s.frames(name)) * 1000

    board = value(kind)
    unit = "MiB" if memory else "ms"
    details = {"runs": len(s.runs[kind])}
    if not memory:
        details.update(
            {f"{name}_ms": [round(v * 1000, 1) for v in s.frames(name)] for name in ("minimal", floor_kind, kind)}
        )
    rows = []
    for suffix, reference_kind, reference_name, limit in (
        ("", "minimal", "minimal app", target),
        (", vs session floor", floor_kind, FLOOR_NAME, floor_target),
    ):
        reference = value(reference_kind)
        r = ratio(board, reference)
        rows.append(
            Figure(
                figure=figure + suffix,
                relboard=board,
                reference=reference,
                reference_name=reference_name,
                unit=unit,
                ratio=r,
                target=f"≤ {limit:g}× {reference_name}",
                met=r is not None and r <= limit,
                details=details,
            )
        )
    return rows
