"""The board's live link to the hub: a thread of its own, so the board's event loop never waits for it.

    replicator = Replicator(address, session.loaded, session.state_path, who="dana",
                            on_events=..., on_status=..., on_refused=...)
    replicator.start()
    ...                       # the board records to its journal as always
    replicator.appended()     # optional nudge once a local append returned: publish now, not within 0.2 s
    replicator.stop()

Why a thread with its own asyncio loop rather than tasks on the board's loop: everything here may block
or stall (resolving and connecting to a server that does not answer, TLS, a JetStream request timing
out, the fsync of events from the hub, the journal's and the hub's file locks), and none of it may
delay a key press or a repaint. The board's own append never waits for the hub: this thread reads the
journal like any other writer would and publishes what is new. The callbacks are called on this
thread; a Textual app hands them to its own with `app.call_from_thread`.

`on_events(events)` gets the events of other machines once they are saved in the local journal. The
board's own writer finds them there on its next poll (every 0.5 s) and folds them like any other
writer's, so the board needs no more than that to show them; the callback is for saying so at once
(or folding them at once: the fold counts an id once). `on_status(HubStatus)` gets every change of
state: `status.text` is what the header shows ("live", "offline · 3 unsent", "catching up
1,200/5,000") and `status.present` who else has the window open. `on_refused(line)` gets a one-line
message for each hub message that was refused, and a note when this plan differs from the window's.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct, field

from relboard.domain.events import Event, utc_now
from relboard.domain.text import one_line
from relboard.domain.window_key import window_key
from relboard.hub.address import HubAddress
from relboard.hub.link import PRESENCE_EVERY, HubLink, HubUnreachable, Pulled, quiet_loop
from relboard.hub.outbox import Outbox
from relboard.hub.window_link import PullResult, WindowLink
from relboard.store.journal import Journal, StateError
from relboard.store.lock import LockTimeout
from relboard.store.plan_file import LoadedPlan
from relboard.store.writer_id import writer_for

_POLL = 0.2  # how often the journal is looked at for local appends when no one nudges
_RETRY = 2.0  # seconds between attempts to reach a hub that did not answer
_SUMMARY_EVERY = 1.0  # the window's summary for the fleet is put at most once a second
_COUNTS_EVERY = 0.25  # a moving count ("catching up 1,200/5,000", "3 unsent") is said at most this often
_CATCH_UP_BATCH = 2_000


class Present(Struct, frozen=True):
    who: str
    writer: str
    unsent: int


class HubStatus(Struct, frozen=True):
    state: str  # "connecting", "catching up", "live", "offline" or "stopped"
    unsent: int = 0
    done: int = 0
    total: int = 0
    present: tuple[Present, ...] = ()
    reason: str = ""  # why offline, one line, without secrets

    @property
    def text(self) -> str:
        if self.state == "catching up":
            return f"catching up {self.done:,}/{self.total:,}"
        if self.state in ("offline", "live") and self.unsent:
            return f"{self.state} · {self.unsent:,} unsent"
        return self.state


class _View(Struct):
    """What the two tasks of a connection share."""

    linked: WindowLink
    live: asyncio.Event = field(default_factory=asyncio.Event)
    total: int = 0
    done: int = 0
    present: tuple[Present, ...] = ()

    def status(self) -> HubStatus:
        unsent = len(self.linked.unsent)
        if self.live.is_set():
            return HubStatus("live", unsent, present=self.present)
        return HubStatus("catching up", unsent, self.done, self.total, self.present)


class _Callbacks(Struct):
    on_events: Callable[[list[Event]], None] | None = None
    on_status: Callable[[HubStatus], None] | None = None
    on_refused: Callable[[str], None] | None = None
    # What asyncio or a callback reported, kept for a look in a debugger rather than printed on the board.
    errors: deque[str] = field(default_factory=lambda: deque(maxlen=50))


class Replicator:
    def __init__(
        self,
        address: HubAddress,
        loaded: LoadedPlan,
        state_path: Path,
        who: str,
        *,
        on_events: Callable[[list[Event]], None] | None = None,
        on_status: Callable[[HubStatus], None] | None = None,
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        self.address = address
        self.loaded = loaded
        self.window = window_key(loaded.plan)
        self.state_path = Path(state_path)
        self.who = who
        self.writer = writer_for(self.state_path)
        self._calls = _Callbacks(on_events, on_status, on_refused)
        self._status = HubStatus("connecting")
        self._said_at, self._unsaid = 0.0, False
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = threading.Event()
        self._since = utc_now().isoformat()

    # ---- the board's side (any thread) ---------------------------------------------------------------

    @property
    def status(self) -> HubStatus:
        return self._status

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="relboard-hub", daemon=True)
        self._thread.start()

    def appended(self) -> None:
        """The local journal has new events: publish them now."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wake.set)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self.appended()
        if self._thread is not None:
            self._thread.join(timeout)

    # ---- the thread ------------------------------------------------------------------------------

    def _run(self) -> None:
        reason = ""
        try:
            asyncio.run(self._main())
        except Exception as error:  # noqa: BLE001 - the board keeps working without its hub link
            reason = self.address.scrub(one_line(f"{type(error).__name__}: {error}"))
        self._set(HubStatus("stopped", self._unsent_offline(), reason=reason))

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        quiet_loop(self._calls.errors)
        self._wake = asyncio.Event()
        while not self._stopping.is_set():
            try:
                link = await HubLink.open(self.address, timeout=3.0)
            except HubUnreachable as error:
                self._set(HubStatus("offline", self._unsent_offline(), reason=str(error)))
                await self._sleep(_RETRY)
                continue
            try:
                await self._connected(link)
            except (HubUnreachable, TimeoutError, OSError, StateError, LockTimeout) as error:
                reason = self.address.scrub(one_line(str(error)))
                self._set(HubStatus("offline", self._unsent_offline(), reason=reason))
            except Exception as error:  # noqa: BLE001 - the client library's own errors: offline, never a crash
                reason = self.address.scrub(one_line(f"{type(error).__name__}: {error}"))
                self._set(HubStatus("offline", self._unsent_offline(), reason=reason))
            finally:
                with contextlib.suppress(Exception):  # the connection may be gone already
                    await asyncio.wait_for(link.leave(self.window, self.writer), 1.0)
                await link.close()
            if not self._stopping.is_set():
                await self._sleep(_RETRY)

    async def _sleep(self, seconds: float) -> None:
        """Wait `seconds`, or less when nudged (a local append, or stop)."""
        assert self._wake is not None
        if not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _connected(self, link: HubLink) -> None:
        """Two tasks while connected: one takes the window's messages (catching up, then live), one
        publishes local appends as soon as they are nudged (or seen within _POLL) and keeps presence."""
        view = _View(WindowLink(link, self.loaded, self.state_path))
        view.linked.read_journal()
        tasks = [asyncio.create_task(self._consuming(link, view)), asyncio.create_task(self._publishing(link, view))]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # the reason it ended, raised here
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):  # ended with the connection
                    await task

    async def _consuming(self, link: HubLink, view: _View) -> None:
        batch: list[Pulled] = []
        async with contextlib.aclosing(link.window_events(self.window, follow=True)) as items:
            async for item in items:
                if self._stopping.is_set():
                    return
                if isinstance(item, int):
                    view.total = item
                    if item == 0:
                        view.live.set()
                    self._set(view.status())
                elif item is not None:
                    batch.append(item)
                    view.done += 1
                    if item.pending == 0:
                        view.live.set()
                live = view.live.is_set()
                if batch and (live or len(batch) >= _CATCH_UP_BATCH or item is None):
                    self._take(view.linked, batch)
                    batch = []
                    self._set(view.status())

    async def _publishing(self, link: HubLink, view: _View) -> None:
        # Ours go out once the window's own are in, so a first catch-up is not slowed by them.
        await view.live.wait()
        next_presence = next_summary = 0.0
        changed = True
        while not self._stopping.is_set():
            if await view.linked.push():
                changed = True
                self._set(view.status())
            now = time.monotonic()
            if now >= next_presence:
                next_presence = now + PRESENCE_EVERY
                view.present = await self._presence(link, len(view.linked.unsent))
                self._set(view.status())
            self._flush_status()
            if changed and now >= next_summary:
                # The summary folds the whole window: at most once a second, with the latest events.
                next_summary, changed = now + _SUMMARY_EVERY, False
                await self._summary(view.linked)
            await self._sleep(_POLL)

    def _take(self, linked: WindowLink, batch: list[Pulled]) -> None:
        result = PullResult()
        new = linked.take_from_hub(batch, result)
        for line in result.refused:
            self._call(self._calls.on_refused, line)
        if new:
            self._call(self._calls.on_events, new)

    async def _summary(self, linked: WindowLink) -> None:
        note = await linked.publish_summary()
        if note:
            self._call(self._calls.on_refused, note)

    async def _presence(self, link: HubLink, unsent: int) -> tuple[Present, ...]:
        info = {"who": self.who, "writer": self.writer, "since": self._since, "unsent": unsent}
        await link.put_presence(self.window, self.writer, info)
        found = []
        for key, entry in (await link.presence()).items():
            window, _, writer = key.partition(".")
            if window != self.window or writer == self.writer:
                continue
            who = entry.get("who")
            count = entry.get("unsent")
            found.append(
                Present(
                    one_line(who, 80) if isinstance(who, str) else "",
                    writer,
                    count if isinstance(count, int) and count > 0 else 0,
                )
            )
        return tuple(sorted(found, key=lambda p: (p.who, p.writer)))

    def _unsent_offline(self) -> int:
        try:
            return len(Outbox(self.state_path).unsent(Journal(self.state_path).load()))
        except (StateError, OSError):
            return 0

    def _set(self, status: HubStatus) -> None:
        if status == self._status:
            return
        said, self._status = self._status, status
        # A new state is said at once; a count moving within one state (thousands of events sent or
        # taken in) at most every _COUNTS_EVERY, the last one by the publishing loop's `_flush_status`.
        now = time.monotonic()
        if status.state != said.state or now - self._said_at >= _COUNTS_EVERY:
            self._said_at, self._unsaid = now, False
            self._call(self._calls.on_status, status)
        else:
            self._unsaid = True

    def _flush_status(self) -> None:
        if self._unsaid:
            self._said_at, self._unsaid = time.monotonic(), False
            self._call(self._calls.on_status, self._status)

    def _call(self, callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception as error:  # noqa: BLE001 - a failing callback must not take the link down
            self._calls.errors.append(one_line(f"{type(error).__name__}: {error}"))
