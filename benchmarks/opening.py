"""Start-up processes, shared by the open and memory figures: the minimal app, the minimal app after opening
each plan's window session (the floor any board of that plan has), the board on the demo plan and on the
large plan, one after another in rotating order, each reporting its first full frame (footer drawn).

Each board opens twice per round: with its plan seen before (the validated plan in the user cache, as on
every open but the first) and as a first open (the cache emptied just before, untimed)."""

from __future__ import annotations

import sys

from benchmarks.processes import Command, Samples, alternate
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import HERE, Workspace

DRIVER = "frame_driver:FirstFrameDriver"
_cache: dict[int, Samples] = {}


def frame_env(ws: Workspace) -> dict[str, str]:
    return ws.child_env(TEXTUAL_DRIVER=DRIVER, PYTHONPATH=str(HERE / "child"))


def minimal(ws: Workspace) -> Command:
    return Command([sys.executable, str(HERE / "child" / "minimal_app.py")], frame_env(ws))


def board(ws: Workspace, plan, state, *, first_open: bool = False) -> Command:
    argv = [*ws.relboard_command(), str(plan), "--state", str(state), "--operator", "bench"]
    return Command(argv, frame_env(ws), ws.forgetting(plan) if first_open else None)


def samples(ws: Workspace) -> Samples:
    if id(ws) not in _cache:
        session_app = [sys.executable, str(HERE / "child" / "session_app.py")]
        large_state = ws.copy_of_large_state("open.state.toml")
        commands = {
            "minimal": minimal(ws),
            "session-demo": Command([*session_app, str(ws.demo), str(ws.demo_state)], frame_env(ws)),
            "session-large": Command([*session_app, str(ws.large), str(large_state)], frame_env(ws)),
            "demo": board(ws, ws.demo, ws.demo_state),
            "demo-new": board(ws, ws.demo, ws.demo_state, first_open=True),
            "large": board(ws, ws.large, large_state),
            "large-new": board(ws, ws.large, large_state, first_open=True),
        }
        _cache[id(ws)] = alternate(commands, rounds=ws.sizes.open_runs)
    return _cache[id(ws)]


FLOOR_NAME = "minimal app + window session"


def row(s: Samples, figure: str, kind: str, reference_kind: str, reference_name: str, limit: float, *, memory=False):
    def value(name: str) -> float:
        return median(s.rss(name)) / 1024 if memory else median(s.frames(name)) * 1000

    board_value, reference = value(kind), value(reference_kind)
    details: dict = {"runs": len(s.runs[kind])}
    if not memory:
        details.update({f"{name}_ms": [round(v * 1000, 1) for v in s.frames(name)] for name in (reference_kind, kind)})
    r = ratio(board_value, reference)
    return Figure(
        figure=figure,
        relboard=board_value,
        reference=reference,
        reference_name=reference_name,
        unit="MiB" if memory else "ms",
        ratio=r,
        target=f"≤ {limit:g}× {reference_name}",
        met=r is not None and r <= limit,
        details=details,
    )


def compared(
    ws: Workspace,
    figure: str,
    kind: str,
    floor_kind: str,
    *,
    target: float,
    floor_target: float,
    first_target: float | None = None,
    memory: bool = False,
) -> list[Figure]:
    """The issue's rows, against the minimal app (plan seen before; first open when `first_target`), and the
    one we keep to catch the board's own regressions, against the same app after opening that plan's window
    session (see child/session_app.py)."""
    s = samples(ws)
    rows = [row(s, figure + ", plan seen before", kind, "minimal", "minimal app", target, memory=memory)]
    if first_target is not None:
        rows.append(row(s, figure + ", first open", kind + "-new", "minimal", "minimal app", first_target))
    rows.append(row(s, figure + ", vs session floor", kind, floor_kind, FLOOR_NAME, floor_target, memory=memory))
    return rows
