"""Timing whole processes, alternating relboard with its reference so drift in the machine hits both."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    wall: float  # seconds from just before spawn to the process's exit
    frame: float | None = None  # seconds from just before spawn to the first full frame
    rss_kib: int | None = None


@dataclass
class Samples:
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def walls(self, kind: str) -> list[float]:
        return [r.wall for r in self.runs[kind]]

    def frames(self, kind: str) -> list[float]:
        return [r.frame for r in self.runs[kind] if r.frame is not None]

    def rss(self, kind: str) -> list[int]:
        return [r.rss_kib for r in self.runs[kind] if r.rss_kib is not None]


def run_once(
    command: list[str], env: dict[str, str], *, expect_codes=(0,), timeout: float = 120, output: Path | None = None
) -> Run:
    """`output`: a file the command's standard output is written to, as a user saves a long output (read
    from a pipe instead, the figure would also hold this process reading and decoding it)."""
    start = time.monotonic()
    if output is None:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    else:
        with open(output, "wb") as sink:
            done = subprocess.run(
                command,
                env=env,
                stdout=sink,
                stderr=subprocess.PIPE,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
    wall = time.monotonic() - start
    if done.returncode not in expect_codes:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    run = Run(wall=wall)
    for line in (done.stdout or "").splitlines():
        if line.startswith('{"frame"'):
            report = json.loads(line)
            run.frame = report["frame"] - start
            run.rss_kib = report["rss_kib"]
    return run


Argv = list[str] | Callable[[], list[str]]


@dataclass
class Command:
    """A measured process. `argv` may be made afresh for each run; `before` runs, untimed, before each run."""

    argv: Argv
    env: dict[str, str]
    before: Callable[[], object] | None = None
    output: Path | None = None  # where standard output goes (see run_once)

    def run(self) -> Run:
        if self.before is not None:
            self.before()
        return run_once(self.argv() if callable(self.argv) else self.argv, self.env, output=self.output)


def alternate(
    commands: dict[str, Command | tuple[list[str], dict[str, str]]], rounds: int, warmups: int = 1
) -> Samples:
    """Each round runs every command once, starting from a different one each round."""
    made = {kind: c if isinstance(c, Command) else Command(*c) for kind, c in commands.items()}
    kinds = list(made)
    for _ in range(warmups):
        for kind in kinds:
            made[kind].run()
    samples = Samples({kind: [] for kind in kinds})
    for number in range(rounds):
        shift = number % len(kinds)
        for kind in kinds[shift:] + kinds[:shift]:
            samples.runs[kind].append(made[kind].run())
    return samples
