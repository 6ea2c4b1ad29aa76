"""The counts the fold keeps agree with counting every step again, for any run of step events, whether
the window opened with them or they came one by one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from relboard.domain import progress
from relboard.domain.events import NoticeKind, NoticeSent, StepMarked, StepStarted, StepStatus
from relboard.domain.plan import Phase
from relboard.domain.rollback import CHANGE_PHASES, later_phase_begun
from relboard.domain.state import WindowState
from relboard.domain.tally import begun_at
from relboard.store.paths import sample_plans_dir
from relboard.store.plan_file import load_plan

PLAN = load_plan(sample_plans_dir() / "demo.toml").plan
STEPS = [s.id for s in PLAN.steps]
START = PLAN.window.start


def recount_phase(state: WindowState, phase: Phase) -> Counter[StepStatus]:
    return Counter(state.steps[s.id].status for s in state.plan.steps if s.phase is phase)


def recount_first_begun(state: WindowState, phase: Phase) -> tuple[str, datetime] | None:
    later = CHANGE_PHASES[CHANGE_PHASES.index(phase) + 1 :]
    first = None
    for step in state.plan.steps:
        s = state.steps[step.id]
        at = begun_at(s.status, s.at, s.started_at)
        if step.critical and step.phase in later and at is not None and (first is None or at < first[1]):
            first = (step.id, at)
    return first


event = st.tuples(
    st.sampled_from(STEPS),
    st.sampled_from([*StepStatus, "started"]),
    st.integers(min_value=0, max_value=240),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(event, max_size=60), st.booleans(), st.integers(min_value=0, max_value=60))
def test_the_tally_matches_a_recount(marks, notice, opened_with):
    events = [
        StepStarted(at=at, step=step) if status == "started" else StepMarked(at=at, step=step, status=status)
        for step, status, minutes in marks
        for at in [START + timedelta(minutes=minutes)]
    ]
    # The events the window opens with are counted once folded; the later ones move the counts one by one.
    state = WindowState(PLAN, events[:opened_with])
    for later in events[opened_with:]:
        state.apply(later)
    if notice:
        state.apply(NoticeSent(at=datetime(2026, 12, 6, tzinfo=UTC), notice=NoticeKind.AFTER, delivered=True))
    for phase in Phase:
        counted = {p.label: p for p in progress.by_phase(state)}[phase.value]
        again = recount_phase(state, phase)
        assert (counted.total, counted.passed, counted.failed) == (
            again.total(),
            again[StepStatus.PASS],
            again[StepStatus.FAIL],
        )
        assert (counted.skipped, counted.blocked) == (again[StepStatus.SKIP], again[StepStatus.BLOCKED])
    assert progress.overall(state).done == sum(
        1 for s in state.steps.values() if s.status in (StepStatus.PASS, StepStatus.SKIP)
    )
    assert progress.is_complete(state) == (not progress.completion_blockers(state))
    for phase in CHANGE_PHASES:
        assert later_phase_begun(state, phase) == recount_first_begun(state, phase)
