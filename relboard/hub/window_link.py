"""One window's journal on one hub: push what is unsent, pull what is missing, keep the summary.

Used by the one-shot commands (`sync`, `mark --hub`, readers that pull first) and by the board's
replicator alike. It reads the journal through a Journal of its own (so it sees what every local
writer appended, ids included), and appends events from the hub to it under `<state>.hub.lock`, so
that two processes pulling at once cannot both append the same event.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct, field
from pydantic import ValidationError

from relboard.domain.digests import sha256_hex
from relboard.domain.events import Event, utc_now
from relboard.domain.fleet import window_summary
from relboard.domain.plan_diff import step_differences
from relboard.domain.plan_model import validate_plan
from relboard.domain.state import WindowState
from relboard.domain.window_key import window_key
from relboard.hub.link import HubLink, Pulled
from relboard.hub.outbox import Outbox, hub_lock_path
from relboard.hub.wire import Refused, decode
from relboard.store.journal import Journal
from relboard.store.lock import locked
from relboard.store.plan_file import LoadedPlan

_BATCH = 2_000  # events from the hub appended with one write and one fsync
_HUB_LOCK_TIMEOUT = 30.0


class PullResult(Struct):
    pulled: int = 0
    refused: list[str] = field(default_factory=list)


class WindowLink:
    def __init__(self, link: HubLink, loaded: LoadedPlan, state_path: Path) -> None:
        self.link = link
        self.loaded = loaded
        self.window = window_key(loaded.plan)
        self.state_path = Path(state_path)
        self.journal = Journal(self.state_path)
        self.events: list[Event] = []
        self.by_id: dict[str, Event] = {}
        self.outbox = Outbox(self.state_path, link.stream_created)
        self.state = WindowState(loaded.plan)  # kept folded as events come, for the window's summary
        self._loaded = False
        self._checked = 0  # events before this index are in _unsent or were sent
        self._unsent: list[Event] = []
        self._noted: set[str] = set()  # plan hashes already told about

    # ---- the local side ----------------------------------------------------------------------------

    def read_journal(self) -> list[Event]:
        """Events local writers appended since the last look (all of them the first time)."""
        new = self.journal.read_new() if self._loaded else self.journal.load()
        self._loaded = True
        self._take(new)
        return new

    def _take(self, events: list[Event]) -> None:
        for event in events:
            if event.id is not None and event.id not in self.by_id:
                self.by_id[event.id] = event
                self.events.append(event)
                self.state.apply(event)

    @property
    def unsent(self) -> list[Event]:
        # Kept up as events come, so a long window is not scanned again for every status line.
        sent = self.outbox.sent
        fresh = self.events[self._checked :]
        self._checked = len(self.events)
        self._unsent = [e for e in self._unsent if e.id not in sent] + [e for e in fresh if e.id not in sent]
        return list(self._unsent)

    # ---- to the hub ----------------------------------------------------------------------------------

    async def push(self) -> int:
        """Publish every unsent event in journal order; HubUnreachable stops it (what was sent stays sent)."""
        self.read_journal()
        pushed = 0
        done: list[str] = []
        try:
            for event in self.unsent:
                await self.link.publish(self.window, event)
                assert event.id is not None
                done.append(event.id)
                pushed += 1
                if len(done) >= 200:
                    self.outbox.mark(done)
                    done = []
        finally:
            self.outbox.mark(done)
        return pushed

    # ---- from the hub -----------------------------------------------------------------------------

    def take_from_hub(self, items: list[Pulled], result: PullResult) -> list[Event]:
        """Check hub messages and append the new events to the journal; returns what was appended."""
        candidates: list[Event] = []
        on_hub: list[str] = []
        with locked(hub_lock_path(self.state_path), timeout=_HUB_LOCK_TIMEOUT):
            self.read_journal()
            batch_ids: dict[str, Event] = {}
            for item in items:
                found = decode(item.subject, item.data)
                if isinstance(found, Refused):
                    result.refused.append(str(found))
                    continue
                assert found.id is not None
                known = self.by_id.get(found.id) or batch_ids.get(found.id)
                if known is not None:
                    if known != found:
                        result.refused.append(
                            str(Refused(item.subject, "another event with this id, different content, is kept"))
                        )
                    else:
                        on_hub.append(found.id)
                    continue
                batch_ids[found.id] = found
                candidates.append(found)
            if candidates:
                others = self.journal.append_all(candidates)
                self._take(others)
                self._take(candidates)
        self.outbox.mark(on_hub + [e.id for e in candidates if e.id is not None])
        result.pulled += len(candidates)
        return candidates

    async def pull(self, progress: Callable[[int, int], None] | None = None) -> PullResult:
        """Append every event of the window on the hub that the journal lacks."""
        self.read_journal()
        result = PullResult()
        total = 0
        seen = 0
        batch: list[Pulled] = []
        async with contextlib.aclosing(self.link.window_events(self.window)) as items:
            async for item in items:
                if item is None:
                    continue
                if isinstance(item, int):
                    total = item
                    continue
                batch.append(item)
                seen += 1
                if len(batch) >= _BATCH:
                    self.take_from_hub(batch, result)
                    batch = []
                    if progress is not None:
                        progress(seen, total)
        self.take_from_hub(batch, result)
        return result

    # ---- the window's summary and plan ---------------------------------------------------------------

    async def publish_summary(self) -> str | None:
        """Put the window's summary (and its plan, the first time); the first time it finds that this
        plan is not the window's (the first writer's), returns a note saying which steps differ."""
        existing = await self.link.summary(self.window)
        plan_hash, plan_name = self.loaded.hash, self.loaded.path.name
        note = None
        if existing and isinstance(existing.get("plan_hash"), str) and existing["plan_hash"]:
            if existing["plan_hash"] != plan_hash and existing["plan_hash"] not in self._noted:
                self._noted.add(existing["plan_hash"])
                note = await self._plan_note(existing["plan_hash"])
            plan_hash = existing["plan_hash"]
            plan_name = str(existing.get("plan_name") or plan_name)
        else:
            data = self._plan_bytes()
            if data is not None:
                await self.link.put_plan(plan_hash, data)
        summary = window_summary(
            self.state, window=self.window, plan_hash=plan_hash, plan_name=plan_name, now=utc_now()
        )
        await self.link.put_summary(self.window, summary)
        return note

    def _plan_bytes(self) -> bytes | None:
        try:
            data = self.loaded.path.read_bytes()
        except OSError:
            return None
        return data if sha256_hex(data) == self.loaded.hash else None

    async def _plan_note(self, their_hash: str) -> str:
        start = f"your plan differs from the window's plan on the hub ({their_hash[:12]})"
        data = await self.link.plan(their_hash)
        if data is None:
            return start + "; the hub does not hold its text"
        try:
            theirs = validate_plan(tomllib.loads(data.decode("utf-8").removeprefix("\ufeff")))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError, ValueError, RecursionError):
            return start + "; the hub's copy cannot be read as a plan"
        return f"{start}: {step_differences(self.loaded.plan, theirs).text()}"
