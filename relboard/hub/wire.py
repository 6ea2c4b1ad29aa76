"""Events on the wire: one JSON object per message, on its own subject, checked like a journal block.

Anything from the hub is untrusted: another relboard may be older or newer, and anyone with write access
to the subject can publish. A message becomes an event only when it is at most 256 KiB of UTF-8 JSON that
is a valid event of a known kind, with an id, and the id is the one its subject names; otherwise it is
refused with a one-line reason (data text cleaned of control characters) and never reaches the journal.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from msgspec import Struct
from pydantic import ValidationError

from relboard.domain.event_model import validate_event
from relboard.domain.events import KINDS, Event, event_to_dict
from relboard.domain.text import one_line

MAX_MESSAGE = 256 * 1024
# Every kind this relboard knows.
EVENT_KINDS = frozenset(KINDS)
_SHOWN = 60


class Refused(Struct, frozen=True):
    """A hub message that was not taken, and why (one line, safe to print)."""

    subject: str
    reason: str

    def __str__(self) -> str:
        return f"refused a hub message on {_short(self.subject)}: {self.reason}"


def encode(event: Event) -> bytes:
    data = event_to_dict(event)
    return json.dumps({k: _jsonable(v) for k, v in data.items()}, ensure_ascii=False, separators=(",", ":")).encode()


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def decode(subject: str, payload: bytes) -> Event | Refused:
    if len(payload) > MAX_MESSAGE:
        return Refused(subject, f"{len(payload):,} bytes, over the {MAX_MESSAGE // 1024} KiB limit of an event")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Refused(subject, "not a JSON event")
    if not isinstance(data, dict):
        return Refused(subject, "not a JSON event")
    kind = data.get("kind")
    if kind not in EVENT_KINDS:
        return Refused(subject, f"unknown kind {_short(str(kind))!r}" if kind is not None else "no kind")
    try:
        event = validate_event(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"][1:])
        return Refused(subject, f"not a valid {kind} event ({_short(where)}: {_short(problem['msg'])})")
    if event.id is None:
        return Refused(subject, "the event has no id")
    if subject.rsplit(".", 1)[-1] != event.id:
        return Refused(subject, "the subject does not name the event's id")
    return event


def _short(text: str) -> str:
    return one_line(text, _SHOWN)
