"""The hub for commands that run once: `sync`, writers that publish after saving, readers that pull first.

Each call connects, does its part and disconnects, within a few seconds at most; the local journal is
written before any of it (writers) or is left as it is when the hub does not answer (everyone).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from msgspec import Struct, field

from relboard.hub.address import HubAddress
from relboard.hub.link import HubLink, HubUnreachable, answering, quiet_loop
from relboard.hub.outbox import Outbox
from relboard.hub.window_link import WindowLink
from relboard.store.journal import Journal
from relboard.store.plan_file import LoadedPlan

CONNECT_TIMEOUT = 3.0


class SyncOutcome(Struct):
    pushed: int = 0
    pulled: int = 0
    unsent: int = 0
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sync(
    address: HubAddress, loaded: LoadedPlan, state_path: Path, *, push: bool = True, pull: bool = True
) -> SyncOutcome:
    """Publish the unsent events, pull the missing ones, update the summary. Raises HubUnreachable."""
    return asyncio.run(_sync(address, loaded, state_path, push, pull))


async def _sync(address: HubAddress, loaded: LoadedPlan, state_path: Path, push: bool, pull: bool) -> SyncOutcome:
    quiet_loop()
    link = await HubLink.open(address, timeout=CONNECT_TIMEOUT)
    try:
        with answering(address):
            return await _sync_linked(link, loaded, state_path, push, pull)
    finally:
        await link.close()


async def _sync_linked(link: HubLink, loaded: LoadedPlan, state_path: Path, push: bool, pull: bool) -> SyncOutcome:
    window = WindowLink(link, loaded, state_path)
    outcome = SyncOutcome()
    if push:
        outcome.pushed = await window.push()
    if pull:
        result = await window.pull()
        outcome.pulled, outcome.refused = result.pulled, result.refused
    note = await window.publish_summary()
    if note:
        outcome.notes.append(note)
    window.read_journal()
    outcome.unsent = len(window.unsent)
    return outcome


def unsent_offline(state_path: Path) -> int:
    """How many of the journal's events are not known to be on the hub, without asking it."""
    return len(Outbox(state_path).unsent(Journal(state_path).load()))


__all__ = ["HubUnreachable", "SyncOutcome", "sync", "unsent_offline"]
