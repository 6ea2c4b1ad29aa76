"""Load state: Journal.load on a journal of 100,000 events (a window left open for days).

The reference reads the same file and checks one CRC-32 over it: the I/O and checksum floor."""

from __future__ import annotations

import time
import zlib

from benchmarks import synthetic
from benchmarks.results import Figure, ratio
from benchmarks.stats import median
from benchmarks.workspace import Workspace
from relboard.store.journal import Journal

TARGET_S = 1.0


def measure(ws: Workspace) -> list[Figure]:
    count = ws.sizes.journal_events
    path = synthetic.state_file(ws.large, ws.path("long.state.toml"), count)
    loads, floors = [], []
    for _ in range(ws.sizes.load_runs):
        start = time.perf_counter()
        events = Journal(path).load()
        loads.append(time.perf_counter() - start)
        if len(events) != count:
            raise RuntimeError(f"loaded {len(events)} events, wrote {count}")
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
            details={"runs": len(loads), "file_MiB": round(path.stat().st_size / 2**20, 1)},
        )
    ]
