"""`relboard join WINDOW`: a teammate's way in: the window's plan and every event, into a folder."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from msgspec import Struct

from relboard.domain.window_key import window_key
from relboard.hub.address import HubAddress
from relboard.hub.link import HubLink, answering, quiet_loop
from relboard.hub.window_link import WindowLink
from relboard.store.locations import default_state_path
from relboard.store.plan_file import PlanError, load_plan

_PLAN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}\.toml$")


class JoinError(Exception):
    """The window cannot be joined (not on the hub, or its plan is missing or unusable); one line."""


class Joined(Struct, frozen=True):
    plan_path: Path
    state_path: Path
    events: int
    refused: tuple[str, ...]


def join(address: HubAddress, window: str, folder: Path) -> Joined:
    """Raises HubUnreachable or JoinError."""
    return asyncio.run(_join(address, window, Path(folder)))


async def _join(address: HubAddress, window: str, folder: Path) -> Joined:
    quiet_loop()
    link = await HubLink.open(address)
    try:
        with answering(address):
            return await _join_linked(link, address, window, folder)
    finally:
        await link.close()


async def _join_linked(link: HubLink, address: HubAddress, window: str, folder: Path) -> Joined:
    summary = await link.summary(window)
    if summary is None:
        windows = sorted(await link.summaries())
        listed = ", ".join(windows[:20]) if windows else "none yet"
        raise JoinError(f"no window {window!r} on the hub at {address.masked}; windows there: {listed}")
    plan_hash = summary.get("plan_hash")
    data = await link.plan(plan_hash) if isinstance(plan_hash, str) and plan_hash else None
    if data is None:
        raise JoinError(f"the hub holds no plan for window {window!r}; ask its first writer to run relboard sync")
    name = str(summary.get("plan_name") or "")
    plan_path = folder / (name if _PLAN_NAME.match(name) else f"{window}.toml")
    _place_plan(plan_path, data)
    try:
        loaded = load_plan(plan_path)
    except PlanError as error:
        raise JoinError(f"the hub's plan for {window!r} is not usable here: {error.problems[0]}") from None
    if window_key(loaded.plan) != window:
        raise JoinError(f"the hub's plan for {window!r} names another window ({window_key(loaded.plan)!r})")
    state_path = default_state_path(plan_path)
    linked = WindowLink(link, loaded, state_path)
    result = await linked.pull()
    await linked.push()
    return Joined(plan_path, state_path, len(linked.events), tuple(result.refused))


def _place_plan(path: Path, data: bytes) -> None:
    if path.exists():
        if path.is_file() and path.read_bytes() == data:
            return  # joined before: the same plan, keep going with its state
        raise JoinError(f"{path} exists and is another file; pass --dir with another folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.joining")
    temp.write_bytes(data)
    temp.replace(path)
