"""Every window on the hub, for `relboard fleet` (and the board's fleet screen, which calls `fleet_rows`
every few seconds from a worker thread)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from relboard.domain.events import utc_now
from relboard.domain.fleet import fleet_row
from relboard.hub.address import HubAddress
from relboard.hub.link import HubLink, answering, quiet_loop


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
