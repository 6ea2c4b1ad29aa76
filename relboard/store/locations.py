"""Where a plan's state journal lives when no --state path is given."""

from __future__ import annotations

import os
from pathlib import Path

from relboard.domain.digests import sha256_hex
from relboard.store.paths import data_dir, sample_plans_dir


def default_state_path(plan_path: Path) -> Path:
    """`<stem>.state.toml` next to the plan, or in the user data folder when the plan's folder is not ours to write.

    The bundled sample plans count as not ours even in a writable checkout, so trying the demo leaves no file
    behind in the package; their states are `samples/<stem>.state.toml` in the data folder, named by the
    sample alone, so that installing relboard again (elsewhere, or editable) finds the same window. Other
    states in the data folder carry a hash of the plan's full path, so two plans with the same name in
    different folders keep separate states. Nothing is created here: the journal makes the folder when it
    first writes.
    """
    plan_path = Path(plan_path)
    folder = plan_path.parent
    if _bundled(folder):
        return data_dir() / "samples" / f"{plan_path.stem}.state.toml"
    if _writable(folder):
        return folder / f"{plan_path.stem}.state.toml"
    digest = sha256_hex(os.fsencode(plan_path.resolve()))[:10]
    return data_dir() / f"{plan_path.stem}-{digest}.state.toml"


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


def _bundled(folder: Path) -> bool:
    samples = sample_plans_dir().resolve()
    return folder.resolve().is_relative_to(samples)


def rehearsal_state_path(plan_path: Path) -> Path:
    """Where a rehearsal (`--now` without `--state`) records: beside the window's own state, never in it."""
    real = default_state_path(plan_path)
    stem = real.name.removesuffix(".state.toml")
    return real.with_name(f"{stem}.rehearsal.state.toml")
