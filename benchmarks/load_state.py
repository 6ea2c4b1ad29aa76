"""Load state: Journal.load on a journal of 100,000 events (a window left open for days).

The figure is a load with the journal's copy of its events already beside it, as on every opening but the
first after the journal grew by a megabyte; the first opening (the journal read in full, the copy written)
is in the details. The reference reads the same file and checks one CRC-32 over it: the I/O and checksum floor."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace
from relboard.store.journal import Journal

TARGET_S = 1.0


def measure(ws: Workspace) -> list[Figure]:
    count = ws.sizes.journal_events
    path = ws.copy_of_long_state("load.state.toml")
    cache = Journal(path).cache_path
    firsts, loads, floors = [], [], []
    for _ in range(ws.sizes.load_runs):
        cache.unlink(missing_ok=True)
        firsts.append(_timed_load(path, count))
        loads.append(_timed_load(path, count))
        start = time.perf_counter()
        zlib.crc32(path.read_bytes())
        floors.append(time.perf_counter() - start)
    value, reference = median(loads), median(floors)
    return [
        Figure(
            figure=f"load state, {count:,} events",
            relboard=value,
            reference=reference,
            reference_name="read+crc32",
            unit="s",
            ratio=ratio(value, reference),
            target=f"≤ {TARGET_S:g} s",
            met=value <= TARGET_S,
            details={
                "runs": len(loads),
                "file_MiB": round(path.stat().st_size / 2**20, 1),
                "first_load_s": round(median(firsts), 3),
                "copy_MiB": round(cache.stat().st_size / 2**20, 1) if cache.exists() else 0,
            },
        )
    ]


def _timed_load(path: Path, count: int) -> float:
    start = time.perf_counter()
    events = Journal(path).load()
    elapsed = time.perf_counter() - start
    if len(events) != count:
        raise RuntimeError(f"loaded {len(events)} events, wrote {count}")
    return elapsed
