"""One probe run to its end, for the tests: the board and `relboard probe` run them on their own loops."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path

from relboard.domain.events import ProbeRan
from relboard.domain.plan import Step
from relboard.net.probes import run_probe_async


def run_probe(
    step: Step,
    plan_dir: Path,
    *,
    env: Mapping[str, str] = os.environ,
    by: str = "probe",
    allow_commands: bool = False,
) -> ProbeRan:
    return asyncio.run(run_probe_async(step, plan_dir, env=env, by=by, allow_commands=allow_commands))
