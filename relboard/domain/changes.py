"""What a run of new events touched, so that each view of the window redraws only what changed."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct

from relboard.domain.events import (
    CommandsApproved,
    CriterionMarked,
    DecisionRecorded,
    Event,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeSent,
    ProbeRan,
    StepMarked,
    StepStarted,
)


class Touched(Struct, frozen=True):
    steps: frozenset[str] = frozenset()
    issues: bool = False
    criteria: bool = False
    decisions: bool = False
    notices: bool = False

    def __bool__(self) -> bool:
        return bool(self.steps) or self.issues or self.criteria or self.decisions or self.notices


def touched(events: Iterable[Event]) -> Touched:
    steps: set[str] = set()
    issues = criteria = decisions = notices = False
    for event in events:
        match event:
            case StepMarked() | StepStarted() | NoteAdded() | ProbeRan():
                steps.add(event.step)
            case IssueOpened() | IssueUpdated():
                issues = True
            case CriterionMarked():
                criteria = True
            case DecisionRecorded():
                decisions = True
            case NoticeSent():
                notices = True
            case CommandsApproved():
                # Approval changes what `r` may run, not what any pane shows.
                pass
    return Touched(frozenset(steps), issues, criteria, decisions, notices)


class ChangeCursor:
    """Where a view last looked in a state's event list; `take()` says what changed since."""

    def __init__(self, events: list[Event]) -> None:
        self._events = events
        self._seen = len(events)

    def take(self) -> Touched:
        fresh = self._events[self._seen :]
        self._seen = len(self._events)
        return touched(fresh)
