"""The state journal: a TOML file of `[[event]]` blocks, appended durably, shared by several writers.

    schema = 1
    created = 2025-06-01 20:00:00.123456+00:00

    [[event]]
    kind = "step_marked"
    at = 2025-06-01 20:05:12.000042+00:00
    ...
    sum = "1a2b3c4d"

The whole file is valid TOML for people and other tools. `sum` is the CRC-32 of the block's bytes between
its `[[event]]` line and its `sum` line. Each block goes to disk with one write and an fsync before
append() returns, so a crash can only leave the last block incomplete: load() drops such a torn tail and the
next append cuts it off. A bad block anywhere else means the file was damaged some other way; relboard then
refuses the file and never writes to it.

A long journal gets a disposable copy of its events beside it (see journal_cache), used only while the
journal's bytes are the very ones it was made from.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tomllib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import TypeAdapter, ValidationError

from relboard.domain.events import Event, event_to_dict, utc_now
from relboard.domain.identity import content_id
from relboard.store.gc_pause import paused_gc
from relboard.store.lock import LockTimeout, locked
from relboard.store.toml_errors import decode_error_position

STATE_SCHEMA = 1

# tomli_w escapes newlines inside strings, so this line can only ever be a block start.
_MARKER = b"\n[[event]]\n"
_SUM_OPEN = b'\nsum = "'
_SUM_KEY = b'sum = "'
_SUM_CLOSE = b'"\n'
_SUM_LINE = len(b'sum = "00000000"\n')
_LOCK_TIMEOUT = 10.0
# Loading keeps a copy of the events beside a journal once this many of its bytes were read the slow way.
_CACHE_AFTER = 1 << 20
_KEEP = "the file was kept as it is; move it aside to start a new state, or pass --state PATH to use another file"
_KEEP_FOLDER = "pass --state PATH with a file path instead"
_KEEP_REOPEN = "nothing more was written to it; reopen the window to read it again"
_MOVED = "the state file was moved or deleted while the window was open; " + _KEEP_REOPEN
_HEADER_NOTE = "# relboard window state: events are appended below, each with a checksum; do not edit by hand\n"

_EVENTS: TypeAdapter[list[Event]] = TypeAdapter(list[Event])

# The lines tomli_w writes for the common values, read without tomllib (which is too slow for long
# windows); anything else (inline arrays, inf, nan, literal strings) goes through tomllib. Only blocks
# whose checksum matched get here, so these patterns only ever see tomli_w's own output, whose string
# escapes (\b \t \n \f \r \" \\ \uXXXX for other control characters) mean the same in JSON, which decodes
# them fast. Strings are written as "run of plain characters, then (escape, run)*" so that the regex
# engine scans runs instead of trying an alternative per character.
_STRING = r'"[^"\\\n]*(?:\\(?:[btnfr"\\]|u[0-9a-fA-F]{4})[^"\\\n]*)*"'
_LINE = re.compile(
    r"^([A-Za-z0-9_]+) = (?:(" + _STRING + r")"
    r"|(true|false)|(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    r"|(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d))"
    # tomli_w writes a non-empty array one item a line, each with a trailing comma.
    r"|(\[\]|\[\n(?:    " + _STRING + r",\n)+\]))$",
    re.MULTILINE,
)
_json_loads = json.loads
_from_iso = datetime.fromisoformat


class UnsaveableEvent(ValueError):
    """This event can never be written (its text cannot be encoded): retrying will not help."""


class StateError(Exception):
    """A state file relboard cannot use; str() is `PATH:LINE:COL: message`, the message says what to do."""

    def __init__(self, path: Path, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = Path(path)
        self.line = line
        self.col = col
        self.message = message


@dataclass
class _Parsed:
    events: list[Event]
    end: int  # just past the last valid block (or the header), relative to the bytes parsed


class Journal:
    """One state file. load() reads it, append() adds one event durably, read_new() follows other writers."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.cache_path = self.path.with_name(self.path.name + ".cache")
        self._reset()

    def _reset(self) -> None:
        self._ino: int | None = None  # the file we read, to notice it being replaced under us
        self._has_header = False
        self._offset = 0  # bytes already turned into events
        self._newlines = 0  # line breaks before _offset, for error positions in later reads
        self._seen: tuple[int, int, int] | None = None  # (inode, size, mtime) when last read
        self._known: list[Event] = []  # every event in the file, to write it again if the file vanishes

    @property
    def exists(self) -> bool:
        return os.path.lexists(self.path)

    def load(self) -> list[Event]:
        """Every event in the file (none for a missing file); a torn last block is left out."""
        self._reset()
        return self._read(use_cache=True)

    def read_new(self) -> list[Event]:
        """Events other writers appended since this journal last read or wrote the file."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._ino is None:
                return []
            raise self._error(_MOVED) from None
        except OSError as exc:
            raise self._error(f"cannot read the state file ({exc.strerror}); {_KEEP}") from None
        if (st.st_ino, st.st_size, st.st_mtime_ns) == self._seen:
            return []
        return self._read()

    def _read(self, use_cache: bool = False) -> list[Event]:
        fd = self._open(os.O_RDONLY | os.O_NONBLOCK)
        if fd is None:
            return []
        try:
            events, _ = self._catch_up(fd, use_cache)
        finally:
            os.close(fd)
        return events

    def append(self, event: Event) -> list[Event]:
        """Write `event` and fsync it; return the events other writers added since our last read, in file order."""
        return self.append_all([event])

    def append_all(self, events: list[Event]) -> list[Event]:
        """`append` for several events at once: one write and one fsync (events arriving from a hub)."""
        block = b"".join(_encode_block(event) for event in events)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with locked(self.lock_path, timeout=_LOCK_TIMEOUT):
                return self._append_locked(block, events)
        except LockTimeout:
            raise self._error(
                f"another relboard process has held {self.lock_path.name} for over {_LOCK_TIMEOUT:g} s; "
                "the event was not saved, try again"
            ) from None
        except StateError:
            raise
        except OSError as exc:
            raise self._error(f"could not save the event ({exc.strerror}); the event was not saved") from None

    def _append_locked(self, block: bytes, events: list[Event]) -> list[Event]:
        fd = self._open(os.O_RDWR | os.O_APPEND)
        if fd is None and self._has_header:
            # The file went away with its folder (an unmounted disk, a removed folder) and the folder
            # is back: write everything this window holds again, so nothing is lost.
            self._create(self._known)
            self._reset()
            fd = self._open(os.O_RDWR | os.O_APPEND)
            if fd is None:
                raise self._error(_MOVED)
            self._catch_up(fd)  # our own events, written again: not news for anyone
        foreign: list[Event] = []
        try:
            if fd is not None:
                foreign, torn = self._catch_up(fd)
                if torn:
                    # The only cut relboard ever makes: the incomplete block of a writer that crashed.
                    os.ftruncate(fd, self._offset)
            if fd is None or not self._has_header:
                # Missing or blank: start the file afresh with its header, all at once.
                if fd is not None:
                    os.close(fd)
                    fd = None
                self._create()
                fd = self._open(os.O_RDWR | os.O_APPEND)
                if fd is None:
                    raise self._error("the state file vanished while it was being created; the event was not saved")
                self._catch_up(fd)
            start = self._offset
            try:
                _write_all(fd, block)
                os.fsync(fd)
            except OSError:
                # Leave no half block behind when the disk is full or failing.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise
            st = os.fstat(fd)
            self._known.extend(events)
            self._offset = start + len(block)
            self._newlines += block.count(b"\n")
            self._seen = (st.st_ino, st.st_size, st.st_mtime_ns)
            return foreign
        finally:
            if fd is not None:
                os.close(fd)

    def _create(self, events: list[Event] | None = None) -> None:
        """Write the header (and `events`, when the file is written again) to a temporary file and move
        it into place, so no reader sees half of it. A blank file is replaced; writing again never
        replaces a file that appeared meanwhile."""
        folder = self.path.parent
        temp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        header = tomli_w.dumps({"schema": STATE_SCHEMA, "created": utc_now()}) + _HEADER_NOTE
        data = header.encode("utf-8") + b"".join(_encode_block(e) for e in events or ())
        try:
            with open(temp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if events is None:
                os.replace(temp, self.path)
            else:
                os.link(temp, self.path)
        except FileExistsError:
            raise self._error(_MOVED) from None
        finally:
            if temp.exists():
                temp.unlink()
        _fsync_folder(folder)

    def _open(self, flags: int) -> int | None:
        try:
            return os.open(self.path, flags | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise self._error(f"this is a folder, not a state file; {_KEEP_FOLDER}") from None
        except OSError as exc:
            raise self._error(f"cannot open the state file ({exc.strerror}); {_KEEP}") from None

    def _catch_up(self, fd: int, use_cache: bool = False) -> tuple[list[Event], bool]:
        """Parse what was added to the file since our offset; True when it ends in a torn block.

        With `use_cache`, a first read takes the events of the journal's start from the copy beside it
        when that copy was made from these very bytes, and refreshes the copy when much was read without it."""
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise self._error(f"this is a folder, not a state file; {_KEEP_FOLDER}")
        if not stat.S_ISREG(st.st_mode):
            raise self._error(f"this is not a regular file; {_KEEP}")
        if self._has_header and (st.st_ino != self._ino or st.st_size < self._offset):
            raise self._error(
                "the state file was replaced or cut short by something else while the window was open; " + _KEEP_REOPEN
            )
        base = self._offset if self._has_header else 0
        try:
            data = _read_from(fd, base, st.st_size - base)
        except OSError as exc:
            raise self._error(f"cannot read the state file ({exc.strerror}); {_KEEP}") from None
        if self._has_header:
            parsed = _parse_blocks(self.path, data, 0, self._newlines)
            newlines = self._newlines
        else:
            header_end, self._has_header = _parse_header(self.path, data)
            if use_cache:
                parsed = self._parse_with_cache(data, header_end)
            else:
                parsed = _parse_blocks(self.path, data, header_end, 0)
            newlines = 0
        self._ino = st.st_ino
        self._offset = base + parsed.end
        self._newlines = newlines + data.count(b"\n", 0, parsed.end)
        self._seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        self._known.extend(parsed.events)
        return parsed.events, parsed.end < len(data)

    def _parse_with_cache(self, data: bytes, header_end: int) -> _Parsed:
        if len(data) - header_end < _CACHE_AFTER:
            return _parse_blocks(self.path, data, header_end, 0)
        # Only long journals need the copy; short ones do not pay for importing it.
        from relboard.store.journal_cache import read_cache, write_cache

        start, known = header_end, list[Event]()
        found = read_cache(self.cache_path, data)
        if found is not None and found[0] >= header_end:
            start, known = found
        parsed = _parse_blocks(self.path, data, start, 0)
        if parsed.end - start >= _CACHE_AFTER:
            write_cache(self.cache_path, data, parsed.end, known + parsed.events)
        return _Parsed(known + parsed.events, parsed.end) if known else parsed

    def _error(self, message: str) -> StateError:
        return StateError(self.path, 1, 1, message)


def _encode_block(event: Event) -> bytes:
    data = event_to_dict(event)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = _toml_datetime(value)
    try:
        body = tomli_w.dumps(data).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UnsaveableEvent(f"the event holds text that cannot be saved as UTF-8: {exc.reason}") from None
    return b"%s%s%s%08x%s" % (_MARKER, body, _SUM_KEY, zlib.crc32(body), _SUM_CLOSE)


def _toml_datetime(value: datetime) -> datetime:
    # TOML offsets have whole minutes; an offset with seconds (old local mean times) is saved in UTC.
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        return value.astimezone(UTC)
    return value


def _parse_header(path: Path, data: bytes) -> tuple[int, bool]:
    """Where the header ends, and whether there is one (a blank file is a state not yet begun)."""
    first = data.find(_MARKER)
    end = first
    if first == -1:
        end = len(data)
        # A crash in the first block's `[[event]]` line leaves a bit of it after the header.
        for cut in range(len(_MARKER) - 1, 0, -1):
            if data.endswith(_MARKER[:cut]) and data[: len(data) - cut].endswith(b"\n"):
                end = len(data) - cut
                break
    raw = data[:end]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        message = f"this is not a relboard state file (it is not UTF-8 text); {_KEEP}"
        raise StateError(path, line, col, message) from None
    if not text.strip():
        if first != -1:
            message = f"the state file has no `schema = {STATE_SCHEMA}` header before its events; {_KEEP}"
            raise StateError(path, 1, 1, message)
        return end, False
    try:
        header = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col, reason = decode_error_position(exc, text)
        raise StateError(path, line, col, f"this is not a relboard state file ({reason}); {_KEEP}") from None
    tables = [key for key, value in header.items() if _is_table(value)]
    if tables:
        # A plan given as --state by mistake also starts with `schema = 1`; its tables give it away.
        line = _key_line(text, rf"\[+{re.escape(tables[0])}\]+", assignment=False)
        raise StateError(
            path, line, 1, f"this is not a relboard state file (it has a [{tables[0]}] table; is it a plan?); {_KEEP}"
        )
    schema = header.get("schema")
    line = _key_line(text, "schema")
    if schema is None:
        raise StateError(path, 1, 1, f"this is not a relboard state file (it has no `schema` key); {_KEEP}")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        message = f"unknown state schema {schema!r} (this relboard reads schema {STATE_SCHEMA}); {_KEEP}"
        raise StateError(path, line, 1, message)
    if schema > STATE_SCHEMA:
        raise StateError(
            path,
            line,
            1,
            f"this state was written by a newer relboard (schema {schema}, this version reads schema {STATE_SCHEMA}); "
            "upgrade relboard to open it, or pass --state PATH to start a new state; the file was kept as it is",
        )
    return end, True


def _is_table(value: object) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and isinstance(value[0], dict))


def _parse_blocks(path: Path, data: bytes, start: int, line_base: int) -> _Parsed:
    """The events in data[start:], which should be whole blocks; only the last one may be torn."""
    if not data.startswith(_MARKER, start):
        if data.find(_MARKER, start) != -1:
            line, _ = _position(data, start, line_base)
            raise StateError(path, line, 1, f"unexpected text before an [[event]] block; {_KEEP}")
        # Nothing, or the start of a block whose `[[event]]` line was cut short.
        return _Parsed([], start)
    # Splitting at the markers and checking each piece's tail does in C what a search per block did in Python.
    pieces = data[start + len(_MARKER) :].split(_MARKER)
    last = len(pieces) - 1
    dicts: list[dict[str, Any]] = []
    end = start
    with paused_gc():
        for index, piece in enumerate(pieces):
            if index == last:
                # What follows the last complete block is a torn tail (a crash mid-write), cut off on the next append.
                piece = _first_block(piece)
            body = _verified_body(piece)
            if body is None:
                if index == last:
                    break  # torn: a crash while it was being written
                line, _ = _position(data, _block_start(start, pieces, index) + 1, line_base)
                message = f"this [[event]] block is damaged (its checksum does not match); {_KEEP}"
                raise StateError(path, line, 1, message)
            try:
                fields = _read_body(body)
            except ValueError as exc:
                line, _ = _position(data, _block_start(start, pieces, index) + 1, line_base)
                raise StateError(path, line, 1, f"this [[event]] block cannot be read ({exc}); {_KEEP}") from None
            if "id" not in fields and isinstance(fields.get("at"), datetime):
                # Saved before events had ids: the block's bytes name it, the same on every load and machine.
                fields["id"] = content_id(fields["at"], body)
            dicts.append(fields)
            end += len(_MARKER) + len(piece)
        try:
            events = _EVENTS.validate_python(dicts)
        except ValidationError as exc:
            problem = exc.errors()[0]
            index = problem["loc"][0] if problem["loc"] and isinstance(problem["loc"][0], int) else 0
            where = ".".join(str(part) for part in problem["loc"][1:] if not isinstance(part, int))
            line, _ = _position(data, _block_start(start, pieces, index) + 1, line_base)
            detail = f"{where}: {problem['msg']}" if where else problem["msg"]
            message = f"this [[event]] block is not a valid event ({detail}); {_KEEP}"
            raise StateError(path, line, 1, message) from None
    return _Parsed(events, end)


def _block_start(start: int, pieces: list[bytes], index: int) -> int:
    """Where the block made of pieces[index] starts (only needed to point at a bad one)."""
    return start + sum(len(piece) for piece in pieces[:index]) + len(_MARKER) * index


def _first_block(piece: bytes) -> bytes:
    """The piece up to the end of its first sum line (all of it when it has none)."""
    if piece.startswith(_SUM_KEY):
        return piece[:_SUM_LINE]
    at = piece.find(_SUM_OPEN)
    return piece if at == -1 else piece[: at + 1 + _SUM_LINE]


def _verified_body(piece: bytes) -> bytes | None:
    """The body of a block (what follows its `[[event]]` line) when it is complete and its checksum matches.

    A complete block ends with its sum line and holds no other line starting with `sum = "`, exactly as the
    file format says; anything else is torn or damaged."""
    if len(piece) < _SUM_LINE or not piece.endswith(_SUM_CLOSE):
        return None
    body = piece[:-_SUM_LINE]
    tail = piece[-_SUM_LINE:]
    if not tail.startswith(_SUM_KEY) or (body and not body.endswith(b"\n")):
        return None
    if body.startswith(_SUM_KEY) or _SUM_OPEN in body:
        return None
    if tail[len(_SUM_KEY) : -len(_SUM_CLOSE)] != b"%08x" % zlib.crc32(body):
        return None
    return body


def _read_body(body: bytes) -> dict[str, Any]:
    """The block's keys and values; raises ValueError with the reason when it is not TOML."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    quick = _quick_parse(text)
    if quick is not None:
        return quick
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(decode_error_position(exc, text)[2]) from None


def _quick_parse(text: str) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    found = _LINE.findall(text)
    lines = len(found)
    for key, string, boolean, number, moment, array in found:
        if string:
            out[key] = _json_loads(string, strict=False) if "\\" in string else string[1:-1]
        elif moment:
            out[key] = _from_iso(moment)
        elif boolean:
            out[key] = boolean == "true"
        elif number:
            out[key] = float(number) if ("." in number or "e" in number) else int(number)
        else:
            # JSON has no trailing comma: drop the last item's.
            out[key] = _json_loads(array[:-3] + "]" if len(array) > 2 else "[]", strict=False)
            lines += array.count("\n")
    # Every line must have matched (one that did not, an inline array say, leaves the count short), and
    # no key may come twice (TOML refuses that; tomllib will say so).
    return out if lines == text.count("\n") and len(out) == len(found) else None


def _position(data: bytes, offset: int, line_base: int = 0) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return line_base + data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _key_line(text: str, key: str, assignment: bool = True) -> int:
    match = re.search(rf"^[ \t]*{key}[ \t]*=" if assignment else rf"^[ \t]*{key}", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _read_from(fd: int, offset: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
