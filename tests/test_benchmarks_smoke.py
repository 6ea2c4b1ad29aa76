"""The benchmark suite's smallest configuration runs end to end, so the suite cannot rot.

No timing is asserted here: the figures are for people to read (README, "Benchmarks")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = (
    "open, demo plan, plan seen before",
    "open, demo plan, first open",
    "open, demo plan, vs session floor",
    "open, ",
    "open, ",
    "open, ",
    "memory, ",
    "memory, ",
    "open, ",
    "open, ",
    "open, ",
    "relboard validate (demo plan)",
    "relboard validate (demo plan), vs BaseModel",
    "relboard status (demo plan), plan seen before",
    "relboard status (demo plan), first open",
    "relboard mark (demo plan), plan seen before",
    "relboard mark (demo plan), first open",
    "relboard mark, ",
    "relboard status --json, ",
    "relboard report, ",
    "key to frame median, ",
    "key to frame p95, ",
    "key to frame median, ",
    "lookup while typing median, ",
    "lookup while typing p95, ",
    "one event applied median, ",
    "one event applied p95, ",
    "event save, key to fsynced",
    "event save p90, key to fsynced",
    "event save, off the UI thread",
    "lookup median, ",
    "lookup p99, ",
    "load state, ",
    "forecast after one event median, ",
    "forecast after one event p95, ",
    "hub propagation median, ",
    "hub propagation p99, ",
    "hub catch-up, ",
    "event save with a hub, ",
)


def test_quick_suite_prints_the_table_and_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    header = done.stdout.splitlines()[0]
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "figure",
        "relboard",
        "reference",
        "ratio",
        "target",
        "met?",
    ]

    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["suite"] == "quick"
    assert document["machine"]["python"] == sys.version.split()[0]
    names = [figure["figure"] for figure in document["figures"]]
    assert len(names) == len(FIGURES)
    for name, expected in zip(names, FIGURES, strict=False):
        assert name.startswith(expected)
        assert name in done.stdout  # the table shows the same rows as the file
    for figure in document["figures"]:
        assert isinstance(figure["met"], bool)
        assert figure["target"]
        if figure["unit"]:
            assert figure["relboard"] > 0
            assert figure["reference"] > 0
    off_thread = document["figures"][names.index("event save, off the UI thread")]
    assert off_thread["details"]["ui_thread"] not in off_thread["details"]["append_threads"]
