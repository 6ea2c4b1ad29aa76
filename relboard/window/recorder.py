"""The one path by which anything is recorded into a window: the board, every command, the hub.

An intent is checked against the window by the domain's rules (`relboard.domain.intents`); the
recorder stamps it with who and when, refuses it on a read-only window, hands the event to where
it is saved (the journal at once for a command, the background writer for the board), and folds it
into the state.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from msgspec import Struct

from relboard.domain.events import Event, utc_now
from relboard.domain.identity import Stamper
from relboard.domain.intents import Intent, Refusal, Stamp
from relboard.domain.state import WindowState

READ_ONLY = Refusal("this window is open read-only; nothing was recorded")


class Recorded(Struct, frozen=True):
    event: Event


Outcome = Recorded | Refusal


class Recorder:
    """Turns intents into saved, folded events.

    `save` puts the event where it lasts and may raise (a command's durable append), in which case
    nothing is folded; `recorded` hears of every event folded (the board redraws).
    """

    def __init__(
        self,
        state: WindowState,
        save: Callable[[Event], object],
        *,
        operator: Callable[[], str],
        now: Callable[[], datetime] = utc_now,
        read_only: bool = False,
        recorded: Callable[[Event], object] | None = None,
        stamper: Stamper | None = None,
    ) -> None:
        self.state = state
        self._save = save
        self._operator = operator
        self._now = now
        self.read_only = read_only
        self._recorded = recorded
        # Gives each event its id, writer and hybrid clock stamp (see domain/identity).
        self._stamper = stamper

    def stamp(self) -> Stamp:
        return Stamp(at=self._now(), by=self._operator(), nonce=os.urandom(2).hex())

    def check(self, intent: Intent) -> Event | Refusal:
        """The event `intent` would record now, or why it would not; records nothing."""
        if self.read_only:
            return READ_ONLY
        return intent.event(self.state, self.stamp())

    def record(self, intent: Intent) -> Outcome:
        event = self.check(intent)
        if isinstance(event, Refusal):
            return event
        if self._stamper is not None:
            event = self._stamper(event, self.state.events)
        self._save(event)
        self.state.apply(event)
        if self._recorded is not None:
            self._recorded(event)
        return Recorded(event)
