"""Saving events off the UI thread.

The board applies an event to its state at once and hands it here; one background thread owns the
journal, appends queued events in order, and polls for other writers' events in between. A failed
write keeps the event at the head of the queue and is retried, so nothing is lost while the disk is
away, and the save indicator says what is really on disk.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from msgspec import Struct

from relboard.domain.events import Event
from relboard.domain.text import one_line
from relboard.store.journal import JournalDamaged, UnsaveableEvent


class SaveState(StrEnum):
    SAVED = "saved"
    SAVING = "saving"
    READ_ONLY = "read-only"
    FAILED = "save failed (retrying)"


class JournalLike(Protocol):
    def append(self, event: Event) -> list[Event]: ...

    def read_new(self) -> list[Event]: ...


class SaveStatus(Struct, frozen=True):
    """The writer's view of the disk after an attempt: everything saved, or why not."""

    state: SaveState
    pending: int
    error: str = ""


class ForeignEvents(Struct, frozen=True):
    """Events another writer appended (found while appending or polling)."""

    events: list[Event]


class EventDropped(Struct, frozen=True):
    """An event the journal can never hold was taken off the queue, so the events after it are saved."""

    event: Event
    error: str


class ReadProblem(Struct, frozen=True):
    """Polling the journal failed (the file was replaced, the folder is gone); said once per cause."""

    error: str


class DamageFound(Struct, frozen=True):
    """The journal holds damaged blocks (found while following or appending): a repair is needed."""

    reason: str


WriterReport = SaveStatus | ForeignEvents | EventDropped | ReadProblem | DamageFound


def saving_after(shown: SaveState, status: SaveStatus, pending: int) -> tuple[SaveState, str, str]:
    """The save state to show after a writer's report, its error, and what to tell the engineer once ("": nothing).

    `pending` is the queue now: a later event may already be waiting, so "saved" only when it is empty.
    """
    if status.state is SaveState.FAILED:
        said = "" if shown is SaveState.FAILED else "The change is kept here and retried every few seconds."
        return SaveState.FAILED, status.error, f"Could not save ({status.error}). {said}" if said else ""
    state = SaveState.SAVING if pending else SaveState.SAVED
    said = "Saved again: every change is on disk." if shown is SaveState.FAILED and not pending else ""
    return state, "", said


class EventWriter:
    """A queue of events to append, drained by `run` in a worker thread."""

    RETRY_SECONDS = 2.0
    POLL_SECONDS = 0.5

    def __init__(self, journal: JournalLike, post: Callable[[WriterReport], object]) -> None:
        self.journal = journal
        self._post = post
        self._queue: deque[Event] = deque()
        # One lock around every journal call: the worker and a final flush on quit never interleave.
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failing = False
        self.last_error = ""
        self._read_error = ""
        self._damage_said = ""

    @property
    def pending(self) -> int:
        return len(self._queue)

    def submit(self, event: Event) -> None:
        self._queue.append(event)
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """The worker loop: flush the queue, poll other writers, wait; until `stop`."""
        next_poll = next_retry = 0.0
        while not self._stop.is_set():
            self._wake.clear()
            now = time.monotonic()
            if self._queue and (not self._failing or now >= next_retry) and not self.flush():
                next_retry = time.monotonic() + self.RETRY_SECONDS
            now = time.monotonic()
            if now >= next_poll:
                self.poll()
                next_poll = now + self.POLL_SECONDS
            deadline = next_poll
            if self._queue and self._failing:
                deadline = min(deadline, next_retry)
            self._wake.wait(max(deadline - time.monotonic(), 0.01))

    def flush(self) -> bool:
        """Append queued events in order; True when the queue is empty afterwards."""
        with self._lock:
            while self._queue:
                event = self._queue[0]
                try:
                    foreign = self.journal.append(event)
                except UnsaveableEvent as error:
                    self._queue.popleft()
                    self._post(EventDropped(event, one_line(str(error))))
                    continue
                except JournalDamaged as error:
                    # Kept in the queue: written once the file is repaired, nothing typed is lost.
                    self._failing = True
                    self.last_error = "the state file is damaged; repair it (nothing typed is lost)"
                    self._post(SaveStatus(SaveState.FAILED, len(self._queue), self.last_error))
                    self._found_damage(error)
                    return False
                except Exception as error:  # noqa: BLE001 - the writer thread outlives any failure, or nothing is saved again
                    self._failing = True
                    self.last_error = one_line(str(error) or type(error).__name__)
                    self._post(SaveStatus(SaveState.FAILED, len(self._queue), self.last_error))
                    return False
                self._queue.popleft()
                if foreign:
                    self._post(ForeignEvents(list(foreign)))
            self._failing = False
            self.last_error = ""
            self._post(SaveStatus(SaveState.SAVED, 0))
            return True

    def poll(self) -> None:
        with self._lock:
            try:
                new = self.journal.read_new()
            except JournalDamaged as error:
                self._found_damage(error)
                return
            except Exception as error:  # noqa: BLE001 - the writer thread outlives any failure; polled again soon
                # Retried on the next poll; said once, not twice a second.
                message = one_line(str(error))
                if message != self._read_error:
                    self._read_error = message
                    self._post(ReadProblem(message))
                return
        self._read_error = ""
        self._damage_said = ""
        if new:
            self._post(ForeignEvents(list(new)))

    def _found_damage(self, error: JournalDamaged) -> None:
        if error.reason != self._damage_said:  # said once per damage, not at every poll
            self._damage_said = error.reason
            self._post(DamageFound(error.reason))
