"""The temporary folder a run works in.

Plan copies, large plans and states made from a seed, and a private config home.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from benchmarks import synthetic
from benchmarks.sizes import Sizes
from relboard.store.paths import demo_plan

HERE = Path(__file__).resolve().parent
COLUMNS, LINES = 160, 48


class Workspace:
    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.folder = Path(tempfile.mkdtemp(prefix="relboard-bench-"))
        # Themes, keymap and preferences from empty folders, never the user's own.
        os.environ["XDG_CONFIG_HOME"] = str(self.folder / "config")
        os.environ["XDG_DATA_HOME"] = str(self.folder / "data")
        # The validated-plan cache too: a figure "plan seen before" fills it, "first open" empties it.
        os.environ["XDG_CACHE_HOME"] = str(self.folder / "cache")
        self._plans: dict[int, Path] = {}

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def path(self, name: str) -> Path:
        return self.folder / name

    @cached_property
    def demo(self) -> Path:
        """A copy of the demo plan, so its state lands here and not in the user's data folder."""
        target = self.folder / "demo.toml"
        shutil.copy(demo_plan(), target)
        return target

    @property
    def demo_state(self) -> Path:
        return self.folder / "demo.state.toml"

    @cached_property
    def large(self) -> Path:
        return synthetic.large_plan(self.folder, self.sizes.large_steps)

    @cached_property
    def large_state(self) -> Path:
        return synthetic.state_file(self.large, self.folder / "large.state.toml", self.sizes.large_events)

    @cached_property
    def long_state(self) -> Path:
        """The large plan's state after a window left open for days (`journal_events` events, 5 % of them
        issues opened); its `.cache` is made by the first load."""
        return synthetic.state_file(self.large, self.folder / "long.state.toml", self.sizes.journal_events)

    def copy_of_long_state(self, name: str) -> Path:
        target = self.folder / name
        shutil.copy(self.long_state, target)
        return target

    def plan_of(self, steps: int) -> Path:
        """A generated plan of `steps` steps (the large plan when that is its size)."""
        if steps == self.sizes.large_steps:
            return self.large
        if steps not in self._plans:
            self._plans[steps] = synthetic.large_plan(self.folder, steps)
        return self._plans[steps]

    def forgetting(self, plan: Path) -> Callable[[], None]:
        """What makes the next open of `plan` its first: its validated copy gone from the user cache (and only
        its own, so that another figure's plan stays seen)."""
        digest = hashlib.sha256(plan.read_bytes()).hexdigest()
        copy = self.folder / "cache" / "relboard" / "plans" / f"{digest}.json"
        return lambda: copy.unlink(missing_ok=True)

    def copy_of_large_state(self, name: str) -> Path:
        target = self.folder / name
        shutil.copy(self.large_state, target)
        return target

    def child_env(self, **extra: str) -> dict[str, str]:
        """The environment of a measured process: bytecode caching on, in a cache inside the workspace.

        An installed relboard has its modules compiled, as Textual's and pydantic's are; a development
        shell may set PYTHONDONTWRITEBYTECODE and make every run compile relboard from source, which no
        user pays. Each figure's warm-up run fills the cache.
        """
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(COLUMNS=str(COLUMNS), LINES=str(LINES), PYTHONPYCACHEPREFIX=str(self.path("bytecode")), **extra)
        return env

    def relboard_command(self) -> list[str]:
        """The installed `relboard` script when there is one beside this Python, else `python -m relboard`."""
        script = Path(sys.executable).with_name("relboard")
        return [str(script)] if script.exists() else [sys.executable, "-m", "relboard"]
