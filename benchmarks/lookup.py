"""Lookup: 10,000 symptoms up to 400 characters, 200 queries (typos, word order, half-typed words and
hostile ones such as "ttttt" and a 60-character query), time per query through SymptomIndex.search.

The reference is the floor of looking at every symptom from Python: a plain substring scan."""

from __future__ import annotations

import time

from rapidfuzz import utils

from benchmarks import synthetic
from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.domain.lookup import SymptomIndex

MEDIAN_MS, P99_MS = 2.0, 10.0


def measure(ws: Workspace) -> list[Figure]:
    entries = synthetic.symptoms(ws.sizes.symptoms)
    queries = synthetic.queries(entries, ws.sizes.queries)
    start = time.perf_counter()
    index = SymptomIndex(entries)
    build = time.perf_counter() - start
    for query in queries:  # warm caches once, as the board does on its first keystrokes
        index.search(query)
    times = []
    slowest = ("", 0.0)
    for query in queries:
        start = time.perf_counter()
        index.search(query)
        took = time.perf_counter() - start
        times.append(took * 1000)
        if took > slowest[1]:
            slowest = (query, took)
    processed = [utils.default_process(e.symptom) for e in entries]
    scans = []
    for query in queries:
        wanted = utils.default_process(query)
        start = time.perf_counter()
        [i for i, text in enumerate(processed) if wanted in text]
        scans.append((time.perf_counter() - start) * 1000)
    details = {
        "symptoms": len(entries),
        "queries": len(queries),
        "index_build_ms": round(build * 1000, 1),
        "slowest_query": slowest[0][:80],
        "slowest_ms": round(slowest[1] * 1000, 2),
    }
    figures = []
    for label, pick, target in (("median", median, MEDIAN_MS), ("p99", lambda v: percentile(v, 99), P99_MS)):
        value, reference = pick(times), pick(scans)
        figures.append(
            Figure(
                figure=f"lookup {label}, {len(entries):,} symptoms",
                relboard=value,
                reference=reference,
                reference_name="substring scan",
                unit="ms",
                ratio=ratio(value, reference),
                target=f"≤ {target:g} ms per query",
                met=value <= target,
                details=details,
            )
        )
    return figures
