"""Reading a journal's blocks the fast way: whole blocks, checked, parsed and validated in one pass.

Anything that is not as relboard writes it raises Anomaly, for the full scan (journal_scan) to say what
and where; only a last block cut short by a crash is expected, and dropped.
"""

from __future__ import annotations

import os
from typing import Any

from msgspec import Struct

from relboard.domain.event_input import read_events
from relboard.domain.events import Event
from relboard.domain.fold_index import EventLog
from relboard.store.gc_pause import paused_gc
from relboard.store.journal_format import MARKER, first_block, read_body, verified_body
from relboard.store.journal_scan import looks_torn


class Anomaly(Exception):
    """The fast reader met something relboard does not write: the full scan decides what it is."""


class Parsed(Struct):
    events: list[Event] | EventLog
    end: int  # just past the last valid block (or the header), relative to the bytes parsed


def parse_blocks(data: bytes, start: int) -> Parsed:
    """The events in data[start:], which should be whole blocks; only the last one may be torn.

    Anything else raises Anomaly, for the full scan to say what and where."""
    if not data.startswith(MARKER, start):
        if start < len(data) and (data.find(MARKER, start) != -1 or not looks_torn_start(data[start:])):
            raise Anomaly
        # Nothing, or the start of a block whose `[[event]]` line was cut short.
        return Parsed([], start)
    # Splitting at the markers and checking each piece's tail does in C what a search per block did in Python.
    pieces = data[start + len(MARKER) :].split(MARKER)
    last = len(pieces) - 1
    dicts: list[dict[str, Any]] = []
    end = start
    with paused_gc():
        for index, piece in enumerate(pieces):
            if index == last:
                whole = piece
                piece = first_block(piece)
                body = verified_body(piece)
                if body is None:
                    if looks_torn(whole):
                        pieces[index] = b""
                        break  # torn: a crash while it was being written
                    raise Anomaly
                if not MARKER.startswith(whole[len(piece) :].rstrip(b"\0")):
                    raise Anomaly
                pieces[index] = piece
            else:
                body = verified_body(piece)
                if body is None:
                    raise Anomaly
            try:
                dicts.append(read_body(body))
            except ValueError:
                raise Anomaly from None
            end += len(MARKER) + len(piece)
        blocks = pieces[: len(dicts)]
        if len(set(blocks)) != len(blocks):
            raise Anomaly  # the same block twice
        try:
            events = read_events(dicts)
        except ValueError:  # pydantic's ValidationError among others
            raise Anomaly from None
    return Parsed(events, end)


def looks_torn_start(rest: bytes) -> bool:
    """Bytes after the header or the last block that are the start of a block cut short."""
    return MARKER.startswith(rest.rstrip(b"\0"))


def read_from(fd: int, offset: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return b"".join(chunks)
