"""How big and how often: the full suite, and the quick one that only keeps the suite from rotting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    name: str
    open_runs: int  # per kind (minimal app, demo board, large board), after one warm-up each
    large_steps: int
    large_events: int
    key_presses: int
    saves: int
    symptoms: int
    queries: int
    journal_events: int
    load_runs: int
    command_runs: int
    hub_samples: int
    hub_events: int
    huge_steps: tuple[int, ...]  # the open and key figures at these plan sizes, beside the large plan's
    huge_runs: int  # per kind for the huge plans' opens, after one warm-up each
    huge_presses: int
    mark_events: int  # the journal a `mark` appends to, beside the same mark on an empty journal
    typing_keys: int  # keys typed into the lookup while it holds `symptoms` symptoms
    applied: int  # events applied one at a time on a board of the largest huge plan


FULL = Sizes(
    name="full",
    open_runs=9,
    large_steps=5_000,
    large_events=2_000,
    key_presses=120,
    saves=60,
    symptoms=10_000,
    queries=200,
    journal_events=100_000,
    load_runs=3,
    command_runs=9,
    hub_samples=200,
    hub_events=10_000,
    huge_steps=(20_000, 50_000),
    huge_runs=3,
    huge_presses=40,
    mark_events=50_000,
    typing_keys=120,
    applied=60,
)

QUICK = Sizes(
    name="quick",
    open_runs=1,
    large_steps=300,
    large_events=100,
    key_presses=5,
    saves=3,
    symptoms=500,
    queries=30,
    journal_events=2_000,
    load_runs=1,
    command_runs=1,
    hub_samples=5,
    hub_events=300,
    huge_steps=(1_000,),
    huge_runs=1,
    huge_presses=3,
    mark_events=1_000,
    typing_keys=12,
    applied=5,
)
