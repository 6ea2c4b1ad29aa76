"""Every window on the hub: `fleet_rows` once (`relboard fleet`), `FleetFeed` live (the fleet screen).

feed = FleetFeed(address, on_rows=..., on_status=...)   # callbacks on the feed's thread
feed.start()
...
feed.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from relboard.domain.events import utc_now
from relboard.domain.fleet import fleet_row
from relboard.domain.text import one_line
from relboard.hub.address import HubAddress
from relboard.hub.link import HubLink, HubUnreachable, answering, quiet_loop

Rows = list[dict[str, Any]]


def fleet_rows(address: HubAddress, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per window with a summary on the hub, ordered by start; raises HubUnreachable."""
    return asyncio.run(_rows(address, now or utc_now()))


async def _rows(address: HubAddress, now: datetime) -> list[dict[str, Any]]:
    quiet_loop()
    link = await HubLink.open(address)
    try:
        with answering(address):
            return await rows_from(link, now)
    finally:
        await link.close()


async def rows_from(link: HubLink, now: datetime) -> list[dict[str, Any]]:
    summaries = await link.summaries()
    present: dict[str, list[dict[str, Any]]] = {}
    for key, info in (await link.presence()).items():
        present.setdefault(key.split(".", 1)[0], []).append(info)
    rows = [
        fleet_row({**summary, "window": window}, present.get(window, []), now) for window, summary in summaries.items()
    ]
    rows.sort(key=lambda row: (str(summaries[row["window"]].get("start", "")), row["window"]))
    return rows


class FleetFeed:
    """A thread holding one connection that reads the rows every `every` seconds; `on_rows(rows)` is
    called when they changed (the clocks move, so about every time), `on_status(text)` with "live" or
    "offline · <reason>" when that changes. A hub that does not answer is tried again; never raises."""

    def __init__(
        self,
        address: HubAddress,
        on_rows: Callable[[Rows], None],
        on_status: Callable[[str], None] | None = None,
        every: float = 2.0,
    ) -> None:
        self.address = address
        self._on_rows = on_rows
        self._on_status = on_status
        self._every = every
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.status = "connecting"

    def start(self) -> None:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="relboard-fleet", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    async def _main(self) -> None:
        quiet_loop()
        last: Rows | None = None
        while not self._stopping.is_set():
            try:
                link = await HubLink.open(self.address)
            except HubUnreachable as error:
                self._status(f"offline · {error}")
                await self._pause()
                continue
            try:
                with answering(self.address):
                    while not self._stopping.is_set():
                        rows = await rows_from(link, utc_now())
                        self._status("live")
                        if rows != last:
                            last = rows
                            self._call(self._on_rows, rows)
                        await self._pause()
            except HubUnreachable as error:
                self._status(f"offline · {error}")
            finally:
                await link.close()
            await self._pause()

    async def _pause(self) -> None:
        for _ in range(max(1, int(self._every / 0.1))):
            if self._stopping.is_set():
                return
            await asyncio.sleep(0.1)

    def _status(self, text: str) -> None:
        text = one_line(text, 200)
        if text != self.status:
            self.status = text
            if self._on_status is not None:
                self._call(self._on_status, text)

    def _call(self, callback: Callable[[Any], None], value: Any) -> None:
        with contextlib.suppress(Exception):  # a failing screen must not stop the feed
            callback(value)
