"""A window session: a loaded plan, its journal and the folded state, kept in step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from relboard.domain.events import Event, PlanLoaded, utc_now
from relboard.domain.fold_index import EventLog
from relboard.domain.identity import Stamper
from relboard.domain.intents import OpenWindow, Stamp
from relboard.domain.plan import Plan
from relboard.domain.state import PlanChange, WindowState
from relboard.store.journal import Journal
from relboard.store.plan_file import LoadedPlan, load_plan
from relboard.store.writer_id import writer_for
from relboard.window.recorder import Recorder


class WindowSession:
    """Open with `WindowSession.open`; commands record through `recorder()`, the board through its own."""

    def __init__(self, loaded: LoadedPlan, journal: Journal, events: Sequence[Event]) -> None:
        self.loaded = loaded
        self.journal = journal
        self.stamper = Stamper(writer_for(journal.path))
        if isinstance(events, EventLog):
            # Events from the journal's indexed copy (a writer's load) are folded only where they are looked at.
            from relboard.domain.state_lazy import LazyWindowState

            lazy = LazyWindowState(loaded.plan, events)
            self.stamper.skip(lazy.indexed, lazy.stamp_keys)
            self.state: WindowState = lazy
        else:
            self.state = WindowState(loaded.plan, events)
        self.plan_change: PlanChange | None = self.state.plan_change(loaded.hash)

    @classmethod
    def open(cls, plan_path: Path | str, state_path: Path | str | None = None, *, lazy: bool = False) -> WindowSession:
        """Raises PlanError or StateError; never writes. `lazy`: fold only what is looked at (a command that
        records one thing: the state's parts are folded when its rules first read them)."""
        loaded = load_plan(plan_path, cached=True)
        if state_path:
            path = Path(state_path)
        else:
            # Finding the default place may need the user data folder (platformdirs); --state does not.
            from relboard.store.locations import default_state_path

            path = default_state_path(loaded.path)
        journal = Journal(path)
        return cls(loaded, journal, journal.load(lazy=lazy))

    @property
    def plan(self) -> Plan:
        return self.loaded.plan

    @property
    def plan_dir(self) -> Path:
        """The plan's folder: a probe's CA bundle and a command's cwd are relative to it."""
        return self.loaded.path.parent

    @property
    def state_path(self) -> Path:
        return self.journal.path

    def open_window(self) -> OpenWindow:
        """The intent that records this plan version in the window (nothing when it already knows it)."""
        return OpenWindow(self.loaded.hash)

    def recorder(self, *, by: str, now: Callable[[], datetime] = utc_now) -> Recorder:
        """A recorder whose every event is on disk before it is folded: a command reports success only then."""
        return Recorder(self.state, self._save_durably, operator=lambda: by, now=now, stamper=self.stamper)

    def _save_durably(self, event: Event) -> None:
        if not isinstance(event, PlanLoaded):
            # A window's record starts with the plan it runs against.
            plan_event = self.open_window().event(self.state, Stamp(at=event.at, by=event.by))
            if isinstance(plan_event, PlanLoaded):
                plan_event = self.stamper(plan_event, self.state.events)
                self._append(plan_event)
                self.state.apply(plan_event)
        self._append(event)

    def _append(self, event: Event) -> None:
        for foreign in self.journal.append(event):
            self.state.apply(foreign)
