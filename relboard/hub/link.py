"""The connection to the hub and what relboard keeps there (asyncio, nats-py JetStream).

One stream per organisation's hub, `RELBOARD`, holds every window's events: each event on its own
subject `relboard.<window>.events.<event id>`, published create-if-absent
(`Nats-Expected-Last-Subject-Sequence: 0`) with `Nats-Msg-Id` = the event id. The server keeps the
first copy of an event however late a second one comes (the Msg-Id window is only two minutes), and a
window's events are read in stream order by an ordered consumer on `relboard.<window>.events.>`.

Three KV buckets beside it: `relboard-windows` (a summary per window, for `fleet`), `relboard-presence`
(who has a board open, each entry expiring after PRESENCE_TTL unless renewed) and `relboard-plans`
(plan files by SHA-256, put by the first writer, read by `join`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import AsyncGenerator, Iterator, MutableSequence
from typing import Any

import nats
import nats.errors
import nats.js.errors
from msgspec import Struct
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy, KeyValueConfig, StorageType, StreamConfig
from nats.js.kv import KeyValue

from relboard.domain.events import Event
from relboard.hub.address import HubAddress
from relboard.hub.wire import encode

STREAM = "RELBOARD"
SUBJECTS = "relboard.*.events.*"
WINDOWS = "relboard-windows"
PRESENCE = "relboard-presence"
PLANS = "relboard-plans"
PRESENCE_TTL = 20.0  # seconds; boards renew every PRESENCE_EVERY, so a dead one is gone within 30 s
PRESENCE_EVERY = 5.0
REPLICAS_ENV = "RELBOARD_HUB_REPLICAS"
_WRONG_LAST_SEQUENCE = 10071

# nats-py reports through the logging module; with no handler of ours, Python would print its
# warnings to the terminal, and a line there may carry a server's words we did not vet.
logging.getLogger("nats").addHandler(logging.NullHandler())
logging.getLogger("nats").propagate = False


class HubUnreachable(Exception):
    """The hub did not answer (down, offline, refused the login); str() is one line without secrets."""


@contextlib.contextmanager
def answering(address: HubAddress) -> Iterator[None]:
    """Any failure of the hub or the connection inside the block is HubUnreachable, with a line to show."""
    try:
        yield
    except HubUnreachable:
        raise
    except (TimeoutError, OSError, nats.errors.Error) as error:
        reason = address.scrub(_reason(error))
        raise HubUnreachable(f"the hub at {address.masked} stopped answering ({reason})") from None


def quiet_loop(errors: MutableSequence[str] | None = None) -> None:
    """Keep the client library's leftovers (tasks of a connection that died under it) off the terminal:
    asyncio would print them, and the board's screen is the terminal."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if errors is not None:
            errors.append(str(context.get("message", ""))[:200])

    asyncio.get_running_loop().set_exception_handler(handler)


def events_subject(window: str, event_id: str | None = None) -> str:
    return f"relboard.{window}.events.{event_id}" if event_id else f"relboard.{window}.events.>"


class Pulled(Struct, frozen=True):
    """One message of a window's stream: its subject, its bytes and how many are still to come."""

    subject: str
    data: bytes
    pending: int


class HubLink:
    """An open connection; `await HubLink.open(address)`, then `await link.close()`."""

    def __init__(self, address: HubAddress, nc: Client) -> None:
        self.address = address
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=5.0)
        self.stream_created = ""
        self._kv: dict[str, KeyValue] = {}

    @classmethod
    async def open(cls, address: HubAddress, *, timeout: float = 3.0, keep_trying: bool = False) -> HubLink:
        """Connect and make sure the stream and buckets exist; HubUnreachable when that fails in `timeout`.

        With `keep_trying`, a connection lost later is re-established by the client (a board's link)."""
        errors: list[str] = []

        async def quiet(error: Exception) -> None:
            errors.append(address.scrub(_reason(error)))

        try:
            nc = await asyncio.wait_for(
                nats.connect(
                    **address.connect_options(),  # type: ignore[arg-type]  # typed per key by nats-py
                    connect_timeout=max(1, int(timeout)),
                    # Every server of a cluster is tried; `timeout` bounds a command's wait for them.
                    max_reconnect_attempts=-1 if keep_trying else 1,
                    reconnect_time_wait=1,
                    error_cb=quiet,
                    name="relboard",
                ),
                timeout=timeout,
            )
        except (TimeoutError, OSError, nats.errors.Error) as error:
            reason = errors[-1] if errors else address.scrub(_reason(error))
            raise HubUnreachable(f"cannot reach the hub at {address.masked} ({reason})") from None
        link = cls(address, nc)
        try:
            await asyncio.wait_for(link._ensure(), timeout=timeout + 2)
        except (TimeoutError, nats.errors.Error, OSError) as error:
            await link.close()
            reason = address.scrub(_reason(error))
            raise HubUnreachable(f"the hub at {address.masked} has no usable JetStream ({reason})") from None
        return link

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead connection may fail any way
            await self.nc.close()

    async def _ensure(self) -> None:
        replicas = _replicas()
        try:
            info = await self.js.stream_info(STREAM)
        except nats.js.errors.NotFoundError:
            config = StreamConfig(
                name=STREAM,
                subjects=[SUBJECTS],
                storage=StorageType.FILE,
                num_replicas=replicas,
                description="relboard: every window's events, one subject per event",
            )
            with contextlib.suppress(nats.js.errors.BadRequestError):  # created meanwhile by another writer
                await self.js.add_stream(config)
            info = await self.js.stream_info(STREAM)
        self.stream_created = info.created.isoformat() if info.created else ""
        for bucket, ttl in ((WINDOWS, None), (PRESENCE, PRESENCE_TTL), (PLANS, None)):
            try:
                self._kv[bucket] = await self.js.key_value(bucket)
            except nats.js.errors.BucketNotFoundError:
                kv_config = KeyValueConfig(bucket=bucket, history=1, ttl=ttl, replicas=replicas)
                self._kv[bucket] = await self.js.create_key_value(kv_config)

    @property
    def connected(self) -> bool:
        return bool(self.nc.is_connected)

    # ---- events -------------------------------------------------------------------------------

    async def publish(self, window: str, event: Event, timeout: float = 5.0) -> None:
        """Store `event` on the hub unless it is there already; raises HubUnreachable when not stored."""
        assert event.id is not None, "events are published with their id"
        headers = {"Nats-Msg-Id": event.id, "Nats-Expected-Last-Subject-Sequence": "0"}
        try:
            await self.js.publish(events_subject(window, event.id), encode(event), timeout=timeout, headers=headers)
        except nats.js.errors.APIError as error:
            if error.err_code == _WRONG_LAST_SEQUENCE:
                return  # already on the hub, from an earlier try or another holder of this journal
            raise HubUnreachable(f"the hub refused an event ({self.address.scrub(_reason(error))})") from None
        except (TimeoutError, nats.errors.Error, OSError) as error:
            raise HubUnreachable(f"the hub did not take an event ({self.address.scrub(_reason(error))})") from None

    async def window_events(self, window: str, follow: bool = False) -> AsyncGenerator[Pulled | int | None, None]:
        """The window's messages in stream order. First yields how many there are now (an int); without
        `follow` it stops after those, with it it goes on with every new one, and yields None whenever
        nothing came for a moment (a chance to act on what came before)."""
        sub = await self.js.subscribe(
            events_subject(window), ordered_consumer=True, deliver_policy=DeliverPolicy.ALL, pending_msgs_limit=-1
        )
        try:
            info = await sub.consumer_info()
            total = (info.num_pending or 0) + (info.delivered.consumer_seq if info.delivered else 0)
            yield total
            seen = 0
            while follow or seen < total:
                try:
                    msg: Msg = await sub.next_msg(timeout=0.1 if follow else 5.0)
                except nats.errors.TimeoutError:
                    if follow:
                        if not self.nc.is_connected:
                            raise HubUnreachable(f"lost the hub at {self.address.masked}") from None
                        yield None
                        continue
                    raise HubUnreachable(f"the hub at {self.address.masked} stopped sending the window") from None
                seen += 1
                pending = msg.metadata.num_pending if msg.metadata else 0
                yield Pulled(msg.subject, msg.data, pending)
                if not follow and pending == 0:
                    break
        finally:
            with contextlib.suppress(Exception):  # the connection may be gone already
                await sub.unsubscribe()

    # ---- KV: summaries, presence, plans ---------------------------------------------------------

    async def put_summary(self, window: str, summary: dict[str, Any]) -> None:
        await self._kv[WINDOWS].put(window, json.dumps(summary, ensure_ascii=False).encode())

    async def summary(self, window: str) -> dict[str, Any] | None:
        return await self._json(WINDOWS, window)

    async def summaries(self) -> dict[str, dict[str, Any]]:
        return await self._all(WINDOWS)

    async def put_presence(self, window: str, writer: str, info: dict[str, Any]) -> None:
        await self._kv[PRESENCE].put(f"{window}.{writer}", json.dumps(info, ensure_ascii=False).encode())

    async def leave(self, window: str, writer: str) -> None:
        with contextlib.suppress(Exception):  # best effort: the entry expires anyway
            await self._kv[PRESENCE].delete(f"{window}.{writer}")

    async def presence(self) -> dict[str, dict[str, Any]]:
        return await self._all(PRESENCE)

    async def put_plan(self, plan_hash: str, data: bytes) -> None:
        with contextlib.suppress(nats.js.errors.KeyWrongLastSequenceError, nats.js.errors.APIError):
            await self._kv[PLANS].create(plan_hash, data)

    async def plan(self, plan_hash: str) -> bytes | None:
        try:
            entry = await self._kv[PLANS].get(plan_hash)
        except (nats.js.errors.KeyNotFoundError, nats.js.errors.KeyDeletedError):
            return None
        return entry.value

    async def _json(self, bucket: str, key: str) -> dict[str, Any] | None:
        try:
            entry = await self._kv[bucket].get(key)
        except (nats.js.errors.KeyNotFoundError, nats.js.errors.KeyDeletedError):
            return None
        return _object(entry.value)

    async def _all(self, bucket: str) -> dict[str, dict[str, Any]]:
        kv = self._kv[bucket]
        try:
            keys = await kv.keys()
        except nats.js.errors.NoKeysError:
            return {}
        found: dict[str, dict[str, Any]] = {}
        for key in keys:
            value = await self._json(bucket, key)
            if value is not None:
                found[key] = value
        return found


def _object(data: bytes | None) -> dict[str, Any] | None:
    if not data or len(data) > 1 << 20:
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _replicas() -> int:
    try:
        return max(1, min(5, int(os.environ.get(REPLICAS_ENV, "1"))))
    except ValueError:
        return 1


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError | asyncio.TimeoutError | nats.errors.TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, nats.errors.NoServersError):
        return "no server answered"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip() or type(error).__name__
    return text.replace("\n", " ")[:160]
