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
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import tomli_w
from pydantic import TypeAdapter, ValidationError

from relboard.domain.events import Event, event_to_dict, utc_now
from relboard.store.lock import LockTimeout, locked
from relboard.store.toml_errors import decode_error_position

STATE_SCHEMA = 1

# tomli_w escapes newlines inside strings, so this line can only ever be a block start.
_MARKER = b"\n[[event]]\n"
_SUM_OPEN = b'\nsum = "'
_SUM_CLOSE = b'"\n'
_SUM_DIGITS = 8
_LOCK_TIMEOUT = 10.0
_KEEP = "the file was kept as it is; move it aside to start a new state, or pass --state PATH to use another file"
_KEEP_FOLDER = "pass --state PATH with a file path instead"
_KEEP_REOPEN = "nothing more was written to it; reopen the window to read it again"
_MOVED = "the state file was moved or deleted while the window was open; " + _KEEP_REOPEN
_HEADER_NOTE = "# relboard window state: events are appended below, each with a checksum; do not edit by hand\n"

_EVENTS: TypeAdapter[list[Event]] = TypeAdapter(list[Event])

# The lines tomli_w writes for the common values, read without tomllib (which is too slow for long
# windows); anything else (arrays, inf, nan) goes through tomllib. Only blocks whose checksum matched
# get here, so these patterns only ever see tomli_w's own output, whose string escapes (\b \t \n \f
# \r \" \\ \uXXXX for other control characters) mean the same in JSON, which decodes them fast.
_LINE = re.compile(
    r'^([A-Za-z0-9_]+) = (?:"((?:[^"\\\n]|\\(?:[btnfr"\\]|u[0-9a-fA-F]{4}))*)"'
    r"|(true|false)|(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    r"|(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)))$",
    re.MULTILINE,
)


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
        return self._read()

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

    def _read(self) -> list[Event]:
        fd = self._open(os.O_RDONLY | os.O_NONBLOCK)
        if fd is None:
            return []
        try:
            events, _ = self._catch_up(fd)
        finally:
            os.close(fd)
        return events

    def append(self, event: Event) -> list[Event]:
        """Write `event` and fsync it; return the events other writers added since our last read, in file order."""
        block = _encode_block(event)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with locked(self.lock_path, timeout=_LOCK_TIMEOUT):
                return self._append_locked(block, event)
        except LockTimeout:
            raise self._error(
                f"another relboard process has held {self.lock_path.name} for over {_LOCK_TIMEOUT:g} s; "
                "the event was not saved, try again"
            ) from None
        except StateError:
            raise
        except OSError as exc:
            raise self._error(f"could not save the event ({exc.strerror}); the event was not saved") from None

    def _append_locked(self, block: bytes, event: Event) -> list[Event]:
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
                try:
                    os.ftruncate(fd, start)
                except OSError:
                    pass
                raise
            st = os.fstat(fd)
            self._known.append(event)
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

    def _catch_up(self, fd: int) -> tuple[list[Event], bool]:
        """Parse what was added to the file since our offset; True when it ends in a torn block."""
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
            parsed = _parse_blocks(self.path, data, header_end, 0)
            newlines = 0
        self._ino = st.st_ino
        self._offset = base + parsed.end
        self._newlines = newlines + data.count(b"\n", 0, parsed.end)
        self._seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        self._known.extend(parsed.events)
        return parsed.events, parsed.end < len(data)

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
        raise ValueError(f"the event holds text that cannot be saved as UTF-8: {exc.reason}") from None
    return b"%s%s%s%08x%s" % (_MARKER, body, _SUM_OPEN[1:], zlib.crc32(body), _SUM_CLOSE)


def _toml_datetime(value: datetime) -> datetime:
    # TOML offsets have whole minutes; an offset with seconds (old local mean times) is saved in UTC.
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        return value.astimezone(timezone.utc)
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
    markers = _find_markers(data, start)
    if not markers or markers[0] != start:
        if markers:
            line, _ = _position(data, start, line_base)
            raise StateError(path, line, 1, f"unexpected text before an [[event]] block; {_KEEP}")
        # Nothing, or the start of a block whose `[[event]]` line was cut short.
        return _Parsed([], start)
    dicts: list[dict] = []
    starts: list[int] = []
    end = start
    last = len(markers) - 1
    for index, begin in enumerate(markers):
        stop = markers[index + 1] if index < last else len(data)
        found = _verified_block(data, begin, stop)
        if found is None or (index < last and found[0] != stop):
            if index == last:
                break  # torn: a crash while it was being written
            line, _ = _position(data, begin + 1, line_base)
            raise StateError(path, line, 1, f"this [[event]] block is damaged (its checksum does not match); {_KEEP}")
        end, body = found
        dicts.append(_read_body(path, body, data, begin, line_base))
        starts.append(begin)
    try:
        events = _EVENTS.validate_python(dicts)
    except ValidationError as exc:
        problem = exc.errors()[0]
        index = problem["loc"][0] if problem["loc"] and isinstance(problem["loc"][0], int) else 0
        where = ".".join(str(part) for part in problem["loc"][1:] if not isinstance(part, int))
        line, _ = _position(data, starts[index] + 1, line_base)
        detail = f"{where}: {problem['msg']}" if where else problem["msg"]
        raise StateError(path, line, 1, f"this [[event]] block is not a valid event ({detail}); {_KEEP}") from None
    return _Parsed(events, end)


def _verified_block(data: bytes, begin: int, stop: int) -> tuple[int, bytes] | None:
    """The end and body of the complete, checksum-verified block at `begin`; None when torn or damaged."""
    sum_line = data.find(_SUM_OPEN, begin + len(_MARKER) - 1, stop)
    if sum_line == -1:
        return None
    digits = sum_line + len(_SUM_OPEN)
    block_end = digits + _SUM_DIGITS + len(_SUM_CLOSE)
    if block_end > stop or data[digits + _SUM_DIGITS : block_end] != _SUM_CLOSE:
        return None
    body = data[begin + len(_MARKER) : sum_line + 1]
    if data[digits : digits + _SUM_DIGITS] != b"%08x" % zlib.crc32(body):
        return None
    return block_end, body


def _read_body(path: Path, body: bytes, data: bytes, begin: int, line_base: int) -> dict:
    try:
        text = body.decode("utf-8")
        quick = _quick_parse(text)
        return quick if quick is not None else tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        line, _ = _position(data, begin + 1, line_base)
        reason = decode_error_position(exc, text)[2] if isinstance(exc, tomllib.TOMLDecodeError) else "not UTF-8 text"
        raise StateError(path, line, 1, f"this [[event]] block cannot be read ({reason}); {_KEEP}") from None


def _quick_parse(text: str) -> dict | None:
    out: dict = {}
    for match in _LINE.finditer(text):
        key, string, boolean, number, moment = match.groups()
        if string is not None:
            out[key] = json.loads(f'"{string}"', strict=False) if "\\" in string else string
        elif moment is not None:
            out[key] = datetime.fromisoformat(moment)
        elif boolean is not None:
            out[key] = boolean == "true"
        else:
            out[key] = float(number) if ("." in number or "e" in number) else int(number)
    # Every line must have matched; one that did not (an array, say) leaves the count short.
    return out if len(out) == text.count("\n") else None


def _find_markers(data: bytes, start: int) -> list[int]:
    found = []
    at = data.find(_MARKER, start)
    while at != -1:
        found.append(at)
        at = data.find(_MARKER, at + 1)
    return found


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
