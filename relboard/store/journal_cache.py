"""A disposable copy of a long journal's events beside it (`<state>.cache`), so a window left open for days opens fast.

The journal stays the only source of truth. The copy is trusted only for the very bytes it was made from:
it names the length of the journal's verified prefix and the SHA-256 of those bytes, so a journal that was
replaced, cut short, edited or belongs to another window never matches it. It also names the events' schema,
so a relboard whose events changed shape does not read an older copy. A copy that is missing, stale, foreign
or damaged is ignored (the journal is read in full and the copy written again); it is replaced atomically,
and failing to write it (a read-only folder, a full disk) only costs speed.

The events are read back like journal blocks (relboard.domain.event_input): as relboard writes them, without
the models. The file is one line of JSON describing it, then the events as a JSON array:

    {"relboard_journal_cache": 1, "length": 19908260, "sha256": "...", "schema": "...", "count": 100000, ...}
    [{"at":"2026-12-05T21:00:00Z","by":"bench","kind":"plan_loaded",...},...]
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import fields
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from relboard.domain.event_input import read_events
from relboard.domain.events import EVENT_TYPES, Event, event_to_dict
from relboard.store.files import write_atomically
from relboard.store.gc_pause import paused_gc

FORMAT = 1
_KEY = "relboard_journal_cache"


def read_cache(path: Path, journal: bytes) -> tuple[int, list[Event]] | None:
    """(length, events) when the copy at `path` was made from journal[:length]; None when it cannot be trusted."""
    try:
        raw = path.read_bytes()
    except (OSError, ValueError):
        return None
    first_line_end = raw.find(b"\n")
    if first_line_end == -1:
        return None
    try:
        facts = json.loads(raw[:first_line_end])
        if not isinstance(facts, dict):
            return None
        length = facts.get("length")
        if (
            facts.get(_KEY) != FORMAT
            or facts.get("schema") != _schema()[0]
            or not isinstance(length, int)
            or not 0 < length <= len(journal)
            or facts.get("sha256") != _sha256(memoryview(journal)[:length])
        ):
            return None
        body = memoryview(raw)[first_line_end + 1 :]
        if facts.get("events_sha256") != _sha256(body):
            return None
        with paused_gc():
            dicts = json.loads(bytes(body))
            if not isinstance(dicts, list) or len(dicts) != facts.get("count"):
                return None
            _restore_datetimes(dicts)
            events = read_events(dicts)
    except (ValueError, KeyError, TypeError):
        # ValueError also covers bad JSON and bad datetimes: any of them means a copy not to be trusted.
        return None
    return length, events


def write_cache(path: Path, journal: bytes, length: int, events: list[Event]) -> None:
    """Save `events`, read from journal[:length], as the copy; silently leave things as they are on failure."""
    body = json.dumps([_jsonable(event) for event in events], ensure_ascii=False, separators=(",", ":")).encode()
    facts = {
        _KEY: FORMAT,
        "length": length,
        "sha256": _sha256(memoryview(journal)[:length]),
        "schema": _schema()[0],
        "count": len(events),
        "events_sha256": _sha256(body),
    }
    with contextlib.suppress(OSError):
        write_atomically(path, json.dumps(facts).encode("ascii") + b"\n" + body)


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def _jsonable(event: Event) -> dict[str, Any]:
    data = event_to_dict(event)
    for name in _schema()[1]:
        if name in data:
            data[name] = data[name].isoformat()
    return data


@cache
def _schema() -> tuple[str, frozenset[str]]:
    """A fingerprint of the events' shape (each kind's fields and types), and the names of the fields that
    hold datetimes."""
    kinds = [(cls.__name__, [(f.name, str(f.type)) for f in fields(cls)]) for cls in EVENT_TYPES]
    fingerprint = _sha256(json.dumps(kinds).encode("utf-8"))
    moments = frozenset(name for _, shape in kinds for name, hint in shape if hint == "datetime")
    return fingerprint, moments


def _restore_datetimes(dicts: list[dict[str, Any]]) -> None:
    # The journal's own reading gives datetimes with the standard library's fixed-offset zones; handing
    # pydantic the same kind of value keeps events from the copy identical to events read from the journal.
    from_iso = datetime.fromisoformat
    for name in _schema()[1]:
        for data in dicts:
            if name in data:
                data[name] = from_iso(data[name])
