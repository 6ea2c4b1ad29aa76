"""Will we make the rollback deadline? The projection of the remaining steps along their waits,
scaled by this window's pace so far. Pure; `now` is passed in.

`Forecaster` follows a live `WindowState`: `sync()` after events were applied looks only at the
steps they touched and updates what depends on them, so a board can ask for `forecast(now)` every
second of a 5,000-step window.

How the projection works. A step still to do takes `expected × pace` (a step in progress: what is
left of that since its start, at least nothing); a step with no expectation takes no time but still
orders the ones after it. Work not yet started cannot begin before now, nor before the window
starts. The finish is the end of the longest remaining path; `validated_by` the same for the
validate phase's critical steps (all validate steps when none is critical, every step when the
plan has no validate phase).

Each undone step keeps the longest remaining path *from* it ("tail", in expected seconds, a step in
progress counting zero for itself). For any undone step the finish is at least
`max(now, window start) + pace × tail`, and for a step in progress `max(now, start + pace ×
expected) + pace × tail`; the largest of these is the projected finish. A change to one step only
changes the tails of the undone steps before it, which in a window that moves forward are few.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, MutableSequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from msgspec import Struct

from relboard.domain.dependencies import SETTLED, Graph, Readiness, build_graph, readiness_of
from relboard.domain.events import ProbeRan, StepMarked, StepStarted
from relboard.domain.plan import Phase, Plan
from relboard.domain.running_max import RunningMax
from relboard.domain.state import WindowState
from relboard.domain.step_timing import in_progress, took

AT_RISK_MARGIN = timedelta(minutes=10)
# A step in progress this many times its expectation puts the window at risk whatever the margin.
OVERDUE_FACTOR = 2.0
# One step's actual/expected counts within these bounds, so one odd step cannot swing the pace; the
# fast side is the tighter one: steps ticked off in a batch must not make the window look quick.
STEP_RATIO_BOUNDS = (0.5, 3.0)

_NONE = float("-inf")


class Verdict(StrEnum):
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    WILL_MISS = "will-miss"
    UNKNOWN = "unknown"


class Forecast(Struct, frozen=True):
    now: datetime
    pace: float
    verdict: Verdict
    rollback_deadline: datetime
    window_end: datetime
    # When the validate phase's critical steps are done: projected, or when they were (`validated`).
    validated_by: datetime | None
    validated: bool
    # When the last step is done: projected, or when it was (`finished`).
    finish: datetime | None
    finished: bool
    deadline_margin: timedelta | None  # rollback deadline - validated_by; negative: will miss by that much
    end_margin: timedelta | None  # window end - finish
    overdue: tuple[str, ...]  # steps in progress past OVERDUE_FACTOR × their expectation

    @property
    def margin(self) -> timedelta | None:
        """The smaller margin: what the verdict is judged on."""
        found = [m for m in (self.deadline_margin, self.end_margin) if m is not None]
        return min(found) if found else None


def _ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _targets(plan: Plan, graph: Graph) -> bytearray:
    steps = [plan.steps[i] for i in graph.plan_index]
    chosen = bytearray(s.phase is Phase.VALIDATE and s.critical for s in steps)
    if not any(chosen):
        chosen = bytearray(s.phase is Phase.VALIDATE for s in steps)
    if not any(chosen):
        chosen = bytearray(b"\x01") * len(steps)
    return chosen


class Forecaster:
    """The forecast and each step's readiness and timing, kept up to date with a `WindowState`."""

    def __init__(self, state: WindowState) -> None:
        self.state = state
        plan = state.plan
        graph = self.graph = build_graph(plan)
        count = len(graph.ids)
        steps = [plan.steps[i] for i in graph.plan_index]
        self._expected = array("d", [s.expected.total_seconds() if s.expected is not None else 0.0 for s in steps])
        # Flags and counts per step as bytes and machine ints: a list per fact costs 400 KB at 50,000 steps.
        self._has_expected = bytearray(s.expected is not None for s in steps)
        self._any_expected = any(self._has_expected)
        self._target = _targets(plan, graph)
        self._window_start = plan.window.start.timestamp()
        self._done = bytearray(count)
        self._done_at: list[float | None] = [None] * count
        self._started: list[float | None] = [None] * count  # set only while in progress
        self._in_progress: set[int] = set()
        self._undone_prereqs = array("i", [len(p) for p in graph.prereqs])
        # Two numbers per step for as long as the board is open: unboxed doubles.
        self._tail: MutableSequence[float] = array("d", [0.0]) * count
        self._tail_target: MutableSequence[float] = array("d", [_NONE]) * count
        # Bounded actual microseconds of a passed, timed step with an expectation.
        self._actual = array("q", [0]) * count
        self._counted = array("q", [0]) * count  # its expectation, when it counts towards the pace
        self._seen = 0
        for node in range(count):
            self._read(node)
        for node in range(count):
            if self._done[node]:
                for d in graph.dependents[node]:
                    self._undone_prereqs[d] -= 1
        for node in reversed(graph.order):
            self._tail[node], self._tail_target[node] = self._tails(node)
        self._longest, self._longest_target = RunningMax(self._tail), RunningMax(self._tail_target)
        # From here on the tails are the running maxima's own values, which `_propagate` sets.
        self._tail, self._tail_target = self._longest.values, self._longest_target.values
        # The pace's sums, kept as each step's part changes (in microseconds: exact, in any order).
        self._actual_total = self._counted_total = 0
        for node in range(count):
            self._count_pace(node)
        self._seen = len(state.events)
        self._targets = [n for n, t in enumerate(self._target) if t]
        self._undone = self._done.count(0)
        self._undone_targets = sum(1 for n in self._targets if not self._done[n])

    # -- following the state --------------------------------------------------------------

    def sync(self) -> frozenset[str]:
        """Take in the events applied to the state since the last look; the step ids they touched."""
        events = self.state.events
        touched: set[str] = set()
        for event in events[self._seen :]:
            if isinstance(event, StepMarked | StepStarted | ProbeRan):
                touched.add(event.step)
        self._seen = len(events)
        self.refresh(touched)
        return frozenset(touched)

    def refresh(self, step_ids: Iterable[str]) -> None:
        """Re-read these steps from the state and update everything that depends on them."""
        graph = self.graph
        changed_tails: list[int] = []
        retime: set[int] = set()
        for step_id in step_ids:
            node = graph.index.get(step_id)
            if node is None:
                continue
            was_done, was_at, was_started = self._done[node], self._done_at[node], self._started[node]
            self._read(node)
            if self._done[node] != was_done:
                delta = -1 if self._done[node] else 1
                for d in graph.dependents[node]:
                    self._undone_prereqs[d] += delta
                self._undone += delta
                if self._target[node]:
                    self._undone_targets += delta
            if self._done[node] != was_done or self._started[node] != was_started:
                changed_tails.append(node)
            retime.add(node)
            if self._done_at[node] != was_at or self._done[node] != was_done:
                retime.update(graph.dependents[node])
        for node in retime:
            self._count_pace(node)
        self._propagate(changed_tails)

    def _read(self, node: int) -> None:
        step = self.state.steps[self.graph.ids[node]]
        self._done[node] = step.status in SETTLED
        self._done_at[node] = _ts(step.at) if self._done[node] else None
        running = in_progress(step)
        self._started[node] = _ts(step.started_at) if running else None
        if running:
            self._in_progress.add(node)
        else:
            self._in_progress.discard(node)

    def _tails(self, node: int) -> tuple[float, float]:
        if self._done[node]:
            return _NONE, _NONE
        own = 0.0 if self._started[node] is not None else self._expected[node]
        tail, tail_target = 0.0, (0.0 if self._target[node] else _NONE)
        for d in self.graph.dependents[node]:
            if self._tail[d] > tail:
                tail = self._tail[d]
            if self._tail_target[d] > tail_target:
                tail_target = self._tail_target[d]
        return own + tail, (own + tail_target if tail_target != _NONE else _NONE)

    def _propagate(self, changed: list[int]) -> None:
        # Dependents before the steps they wait on: the highest place in the order first.
        rank = self.graph.rank
        heap = [(-rank[node], node) for node in set(changed)]
        heapq.heapify(heap)
        queued = {node for _, node in heap}
        forced = set(queued)
        while heap:
            _, node = heapq.heappop(heap)
            queued.discard(node)
            values = self._tails(node)
            if node not in forced and values == (self._tail[node], self._tail_target[node]):
                continue
            self._longest.set(node, values[0])
            self._longest_target.set(node, values[1])
            for p in self.graph.prereqs[node]:
                if p not in queued and not self._done[p]:
                    queued.add(p)
                    heapq.heappush(heap, (-rank[p], p))

    def _ready_at(self, node: int) -> float | None:
        prereqs = self.graph.prereqs[node]
        if not prereqs:
            return self._window_start
        times = [self._done_at[p] for p in prereqs]
        if any(t is None for t in times):
            return None
        return max(t for t in times if t is not None)

    def _count_pace(self, node: int) -> None:
        actual = counted = 0
        expected = self._expected[node]
        seconds = self._took_seconds(node) if self._has_expected[node] and expected > 0 else None
        if seconds is not None:
            low, high = STEP_RATIO_BOUNDS
            actual = round(min(max(seconds, expected * low), expected * high) * 1_000_000)
            counted = round(expected * 1_000_000)
        self._actual_total += actual - self._actual[node]
        self._counted_total += counted - self._counted[node]
        self._actual[node], self._counted[node] = actual, counted

    def _took_seconds(self, node: int) -> float | None:
        ready = self._ready_at(node)
        span = took(self.state.steps[self.graph.ids[node]], None if ready is None else _dt(ready))
        return None if span is None else span.total_seconds()

    # -- questions -------------------------------------------------------------------------

    @property
    def pace(self) -> float:
        """Actual / expected over the passed steps with an expectation; 1.0 before any."""
        counted = self._counted_total
        return self._actual_total / counted if counted > 0 else 1.0

    def readiness(self, step_id: str) -> Readiness:
        node = self.graph.index[step_id]
        step = self.state.steps[step_id]
        return readiness_of(step.status, node in self._in_progress, self._undone_prereqs[node] == 0)

    def waits_on(self, step_id: str) -> tuple[str, ...]:
        """The prerequisites of `step_id` that have not passed (or been skipped), in plan order."""
        node = self.graph.index[step_id]
        return tuple(self.graph.ids[p] for p in self.graph.prereqs[node] if not self._done[p])

    def in_progress(self) -> tuple[str, ...]:
        return tuple(self.graph.ids[n] for n in sorted(self._in_progress))

    def ready(self, limit: int | None = None) -> tuple[str, ...]:
        """Steps that can start now (prerequisites settled, not started, not settled), in plan order."""
        found: list[str] = []
        for node, step_id in enumerate(self.graph.ids):
            if not self._done[node] and node not in self._in_progress and self._undone_prereqs[node] == 0:
                found.append(step_id)
                if limit is not None and len(found) >= limit:
                    break
        return tuple(found)

    def next_ready(self, after: str | None = None) -> str | None:
        """The first ready step after `after` in plan order, wrapping around; None when none is ready."""
        ids = self.graph.ids
        count = len(ids)
        begin = self.graph.index[after] + 1 if after in self.graph.index else 0
        for offset in range(count):
            node = (begin + offset) % count
            if not self._done[node] and node not in self._in_progress and self._undone_prereqs[node] == 0:
                return ids[node]
        return None

    def expected(self, step_id: str) -> timedelta | None:
        node = self.graph.index[step_id]
        return timedelta(seconds=self._expected[node]) if self._has_expected[node] else None

    def elapsed(self, step_id: str, now: datetime) -> timedelta | None:
        """How long a step in progress has run; None when it is not in progress."""
        started = self._started[self.graph.index[step_id]]
        return None if started is None else max(now - _dt(started), timedelta(0))

    def over_expected(self, step_id: str, now: datetime, factor: float = 1.0) -> bool:
        """A step in progress running longer than `factor` × its expectation (the board's warning)."""
        node = self.graph.index[step_id]
        started = self._started[node]
        if started is None or not self._has_expected[node]:
            return False
        return now.timestamp() - started > factor * self._expected[node]

    def took(self, step_id: str) -> timedelta | None:
        """How long a passed step took (see `step_timing.took`)."""
        seconds = self._took_seconds(self.graph.index[step_id])
        return None if seconds is None else timedelta(seconds=seconds)

    def forecast(self, now: datetime) -> Forecast:
        plan = self.state.plan
        window = plan.window
        pace = self.pace
        clock = now.timestamp()
        origin = max(clock, self._window_start)
        running = [
            (n, max(clock, s + pace * self._expected[n]))
            for n in self._in_progress
            if (s := self._started[n]) is not None
        ]
        finish, finished = self._project(self._longest, origin, pace, running, self._undone == 0)
        validated_by, validated = self._project(
            self._longest_target, origin, pace, running, self._undone_targets == 0, self._targets
        )
        overdue = tuple(
            self.graph.ids[n]
            for n in sorted(self._in_progress)
            if self.over_expected(self.graph.ids[n], now, OVERDUE_FACTOR)
        )
        if not self._any_expected:
            return Forecast(
                now,
                pace,
                Verdict.UNKNOWN,
                window.rollback_deadline,
                window.end,
                None,
                validated,
                None,
                finished,
                None,
                None,
                overdue,
            )
        deadline_margin = window.rollback_deadline - validated_by
        end_margin = window.end - finish
        margin = min(deadline_margin, end_margin)
        if margin < timedelta(0):
            verdict = Verdict.WILL_MISS
        elif margin < AT_RISK_MARGIN or overdue:
            verdict = Verdict.AT_RISK
        else:
            verdict = Verdict.ON_TRACK
        return Forecast(
            now,
            pace,
            verdict,
            window.rollback_deadline,
            window.end,
            validated_by,
            validated,
            finish,
            finished,
            deadline_margin,
            end_margin,
            overdue,
        )

    def _project(
        self,
        longest: RunningMax,
        origin: float,
        pace: float,
        running: list[tuple[int, float]],
        done: bool,
        nodes: list[int] | None = None,
    ) -> tuple[datetime, bool]:
        if done:
            # Already there: when it happened (the last of those steps to settle), else the window start.
            chosen = range(len(self._done)) if nodes is None else nodes
            times = [t for n in chosen if (t := self._done_at[n]) is not None]
            return _dt(max(times) if times else origin), True
        tails = longest.values
        best = origin + pace * longest.max(_NONE)
        for node, floor in running:
            if tails[node] != _NONE:
                best = max(best, floor + pace * tails[node])
        return _dt(best), False


def forecast(state: WindowState, now: datetime) -> Forecast:
    """The forecast of a state, built from scratch (commands and reports; a board keeps a Forecaster)."""
    return Forecaster(state).forecast(now)
