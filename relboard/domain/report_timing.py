"""The report's timing sections: planned against actual per step and per phase, and the largest overruns.

Planned is the step's `expected`; actual is how long it took (from its start, or, passed without one,
from when its prerequisites were all settled; see `step_timing.took`). Only passed steps have an
actual time.
"""

from __future__ import annotations

from datetime import timedelta

from msgspec import Struct

from relboard.domain.durations import format_clock, format_duration
from relboard.domain.events import StepStatus
from relboard.domain.forecast import Forecaster
from relboard.domain.plan import Phase
from relboard.domain.report_table import Table
from relboard.domain.state import WindowState

LARGEST_OVERRUNS = 5

_NOT_TIMED = {
    StepStatus.PENDING: "not run",
    StepStatus.FAIL: "failed",
    StepStatus.SKIP: "skipped",
    StepStatus.BLOCKED: "blocked",
    StepStatus.PASS: "passed, not timed",
}


class StepTiming(Struct, frozen=True):
    id: str
    title: str
    phase: str
    planned: str
    actual: str
    difference: str
    over: timedelta | None  # actual - planned, when both are known


class PhaseTiming(Struct, frozen=True):
    phase: str
    planned: str
    actual: str
    difference: str
    timed: str


class Timing(Struct, frozen=True):
    steps: tuple[StepTiming, ...]
    phases: tuple[PhaseTiming, ...]
    overruns: tuple[StepTiming, ...]


def span(value: timedelta) -> str:
    """'25m', '1h05m' for whole minutes, else H:MM:SS."""
    return format_duration(value) if value.total_seconds() % 60 == 0 else format_clock(value)


def signed(value: timedelta) -> str:
    if value == timedelta(0):
        return "on time"
    return ("+" if value > timedelta(0) else "-") + span(abs(value))


def build_timing(state: WindowState) -> Timing:
    forecaster = Forecaster(state)
    rows: list[StepTiming] = []
    phases: list[PhaseTiming] = []
    for phase in Phase:
        steps = [s for s in state.plan.steps if s.phase is phase and s.id in forecaster.graph.index]
        if not steps:
            continue
        planned_total = actual_total = difference_total = timedelta(0)
        has_planned = timed = 0
        for step in steps:
            took = forecaster.took(step.id)
            if took is not None:
                # To the second, as the report shows times: the difference then adds up to what is shown.
                took = timedelta(seconds=round(took.total_seconds()))
            over = took - step.expected if took is not None and step.expected is not None else None
            if step.expected is not None:
                planned_total += step.expected
                has_planned += 1
            if took is not None:
                actual_total += took
                timed += 1
            if over is not None:
                difference_total += over
            if step.expected is None and took is None:
                continue
            rows.append(
                StepTiming(
                    id=step.id,
                    title=step.title,
                    phase=phase.value,
                    planned=span(step.expected) if step.expected is not None else "no expectation",
                    actual=span(took) if took is not None else _NOT_TIMED[state.steps[step.id].status],
                    difference=signed(over) if over is not None else "",
                    over=over,
                )
            )
        phases.append(
            PhaseTiming(
                phase=phase.value,
                planned=span(planned_total) if has_planned else "no expectation",
                actual=span(actual_total) if timed else "not timed",
                difference=signed(difference_total)
                if any(r.over is not None for r in rows if r.phase == phase)
                else "",
                timed=f"{timed} of {len(steps)}",
            )
        )
    late = [r for r in rows if r.over is not None and r.over > timedelta(0)]
    overruns = sorted(late, key=lambda r: -(r.over or timedelta(0)))[:LARGEST_OVERRUNS]
    return Timing(tuple(rows), tuple(phases), tuple(overruns))


def timing_tables(timing: Timing) -> list[Table]:
    return [
        Table(
            "phase-timing",
            "Timing per phase",
            ("Phase", "Planned", "Actual", "Difference", "Timed steps"),
            [(p.phase, p.planned, p.actual, p.difference, p.timed) for p in timing.phases],
        ),
        Table(
            "step-timing",
            "Timing per step",
            ("Step", "Phase", "Planned", "Actual", "Difference"),
            [(f"{s.title} ({s.id})", s.phase, s.planned, s.actual, s.difference) for s in timing.steps],
            "No step has an expected duration or a measured time.",
        ),
        Table(
            "overruns",
            "Largest overruns",
            ("Step", "Planned", "Actual", "Over by"),
            [(f"{s.title} ({s.id})", s.planned, s.actual, s.difference) for s in timing.overruns],
            "No step took longer than expected.",
        ),
    ]
