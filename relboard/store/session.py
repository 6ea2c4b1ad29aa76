"""A window session: a loaded plan, its journal and the folded state, kept in step."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from relboard.domain.events import Event, PlanLoaded, utc_now
from relboard.domain.plan import Plan
from relboard.domain.state import PlanChange, WindowState
from relboard.store.journal import Journal
from relboard.store.plan_file import LoadedPlan, load_plan
from relboard.store.writer_id import stamp_for


class WindowSession:
    """Open with `WindowSession.open`; record events with `record` (durable) or `apply` + `persist`."""

    def __init__(self, loaded: LoadedPlan, journal: Journal, events: list[Event]) -> None:
        self.loaded = loaded
        self.journal = journal
        self.state = WindowState(loaded.plan, events)
        self.plan_change: PlanChange | None = self.state.plan_change(loaded.hash)

    @classmethod
    def open(cls, plan_path: Path | str, state_path: Path | str | None = None) -> WindowSession:
        """Raises PlanError or StateError; never writes (see `note_plan`)."""
        loaded = load_plan(plan_path)
        if state_path:
            path = Path(state_path)
        else:
            # Finding the default place may need the user data folder (platformdirs); --state does not.
            from relboard.store.locations import default_state_path

            path = default_state_path(loaded.path)
        journal = Journal(path)
        return cls(loaded, journal, journal.load())

    @property
    def plan(self) -> Plan:
        return self.loaded.plan

    @property
    def state_path(self) -> Path:
        return self.journal.path

    def plan_event(self, by: str = "", at: datetime | None = None) -> PlanLoaded | None:
        """The PlanLoaded event to record when the state has not seen this plan yet, stamped `at` (now)."""
        last = self.state.last_plan
        if last is not None and last.plan_hash == self.loaded.hash:
            return None
        return PlanLoaded(
            at=at or utc_now(), by=by, plan_hash=self.loaded.hash, step_ids=[s.id for s in self.plan.steps]
        )

    def apply(self, events: list[Event]) -> None:
        for event in events:
            self.state.apply(event)

    def persist(self, event: Event) -> list[Event]:
        """Durably append an event already applied; returns other writers' events found meanwhile."""
        return self.journal.append(event)

    def record(self, event: Event) -> None:
        """Append durably first, then fold: a command reports success only once the event is on disk."""
        self._record_plan_if_new(event.by, event.at)
        event = stamp_for(self.journal.path, self.state.events, event)
        foreign = self.journal.append(event)
        self.apply(foreign)
        self.state.apply(event)

    def refresh(self) -> list[Event]:
        """Fold what other writers appended since the last look."""
        new = self.journal.read_new()
        self.apply(new)
        return new

    def _record_plan_if_new(self, by: str, at: datetime) -> None:
        plan_event = self.plan_event(by, at)
        if plan_event is not None:
            self.apply(self.journal.append(plan_event))
            self.state.apply(plan_event)
