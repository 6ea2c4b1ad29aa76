"""What new events touched: the board redraws only these parts, so a missed kind would leave a stale view."""

from datetime import UTC, datetime, timedelta

from relboard.domain.changes import ChangeCursor, Touched
from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    IssueOpened,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    ProbeOutcome,
    ProbeRan,
    StepMarked,
    StepStatus,
)
from relboard.domain.state import WindowState

T0 = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)


def test_each_kind_of_event_names_what_it_changed(plan):
    state = WindowState(plan)
    cursor = ChangeCursor(state.events)
    assert cursor.take() == Touched()
    assert not cursor.take()

    state.apply(StepMarked(at=T0, step="login", status=StepStatus.PASS))
    state.apply(NoteAdded(at=T0, step="apply", note="slow"))
    state.apply(ProbeRan(at=T0, step="confirm-scope", outcome=ProbeOutcome.PASS))
    assert cursor.take() == Touched(steps=frozenset({"login", "apply", "confirm-scope"}))

    state.apply(IssueOpened(at=T0, issue="issue-1", title="Exports late"))
    state.apply(CriterionMarked(at=T0, criterion="no-backup", tripped=True, reason="snapshot failed"))
    state.apply(DecisionRecorded(at=T0, decision=Decision.PAUSE, rationale="wait for the DBA"))
    state.apply(NoticeSent(at=T0 + timedelta(minutes=1), notice=NoticeKind.AFTER, delivered=True))
    assert cursor.take() == Touched(issues=True, criteria=True, decisions=True, notices=True)
    # Taken once: the next look starts after what was already seen.
    assert cursor.take() == Touched()


def test_two_cursors_on_one_state_each_see_every_change(plan):
    state = WindowState(plan)
    first, second = ChangeCursor(state.events), ChangeCursor(state.events)
    state.apply(StepMarked(at=T0, step="login", status=StepStatus.FAIL))
    assert first.take().steps == {"login"}
    assert second.take().steps == {"login"}
