"""Forecast after one event, on a 5,000-step plan with expectations and waits: from applying the event to
the window state to the new forecast (`Forecaster.sync` then `Forecaster.forecast`), as a board does on
every event. The window is first worked to 40 % of its steps; then each measured event starts or passes a
ready step, with now and then a step failed and passed again, or a waiting step marked far ahead.

The reference is the same forecast made from scratch (`Forecaster(state)`), what the update replaces."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from benchmarks import synthetic
from benchmarks.results import Figure, ratio
from benchmarks.stats import median, percentile
from benchmarks.workspace import Workspace
from relboard.domain.events import Event, StepStatus
from relboard.domain.forecast import Forecaster
from relboard.domain.state import WindowState
from relboard.domain.step_events import mark_event, start_event

TARGET_MS = 5.0


def _next_event(rng: random.Random, state: WindowState, forecaster: Forecaster, at, done: list[str]) -> Event:
    roll = rng.random()
    if roll < 0.05 and done:
        step_id = rng.choice(done[-200:])
        status = StepStatus.FAIL if state.steps[step_id].status is StepStatus.PASS else StepStatus.PASS
        return mark_event(state, step_id, status, at=at, by="bench")
    if roll < 0.08:
        far = rng.choice(state.plan.steps[len(state.plan.steps) // 2 :]).id
        return mark_event(state, far, StepStatus.PASS, at=at, by="bench")
    running = forecaster.in_progress()
    if running and rng.random() < 0.5:
        step_id = running[0]
        done.append(step_id)
        return mark_event(state, step_id, StepStatus.PASS, at=at, by="bench")
    ready = forecaster.ready(limit=4)
    if not ready:
        return mark_event(state, rng.choice(state.plan.steps).id, StepStatus.PASS, at=at, by="bench")
    step_id = rng.choice(ready)
    if rng.random() < 0.5:
        return start_event(state, step_id, at=at, by="bench")
    done.append(step_id)
    return mark_event(state, step_id, StepStatus.PASS, at=at, by="bench")


def measure(ws: Workspace) -> list[Figure]:
    rng = random.Random(synthetic.SEED)
    plan = synthetic.plan_with_dependencies(ws.sizes.large_steps)
    state = WindowState(plan)
    forecaster = Forecaster(state)
    at = plan.window.start
    done: list[str] = []
    # Work the window to 40 % of its steps without measuring.
    while sum(1 for s in state.steps.values() if s.status is StepStatus.PASS) < 0.4 * len(plan.steps):
        at += timedelta(seconds=20)
        state.apply(_next_event(rng, state, forecaster, at, done))
        forecaster.sync()
    events = 30 if ws.sizes.name == "quick" else 300
    times: list[float] = []
    for _ in range(events):
        at += timedelta(seconds=20)
        event = _next_event(rng, state, forecaster, at, done)
        start = time.perf_counter()
        state.apply(event)
        forecaster.sync()
        forecaster.forecast(at)
        times.append((time.perf_counter() - start) * 1000)
    fresh: list[float] = []
    for _ in range(5 if ws.sizes.name == "quick" else 15):
        start = time.perf_counter()
        Forecaster(state).forecast(at)
        fresh.append((time.perf_counter() - start) * 1000)
    check = Forecaster(state).forecast(at)
    assert forecaster.forecast(at) == check, "the followed forecast differs from a fresh one"
    details = {
        "steps": len(plan.steps),
        "waits": sum(len(p) for p in forecaster.graph.prereqs),
        "events": events,
        "max_ms": round(max(times), 2),
        "verdict": check.verdict.value,
    }
    figures = []
    for label, pick in (("median", median), ("p95", lambda v: percentile(v, 95))):
        value, reference = pick(times), median(fresh)
        figures.append(
            Figure(
                figure=f"forecast after one event {label}, {len(plan.steps):,} steps",
                relboard=value,
                reference=reference,
                reference_name="forecast from scratch",
                unit="ms",
                ratio=ratio(value, reference),
                target=f"≤ {TARGET_MS:g} ms",
                met=value <= TARGET_MS,
                details=details,
            )
        )
    return figures
