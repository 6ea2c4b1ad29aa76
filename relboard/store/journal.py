"""The state journal: a TOML file of `[[event]]` blocks (see journal_format), appended durably, shared by
several writers.

Each block goes to disk with one write and an fsync before append() returns, so a crash can only leave
the last block incomplete: load() drops such a torn tail and the next append cuts it off. Anything else
that is not as relboard wrote it is damage (see journal_scan): relboard then writes nothing to the file
until `relboard state repair` has copied the damage aside; reading commands may still read its intact
events with `load(salvage=True)`. A journal that follows the file (read_new, append) checks only the
bytes added since it last read; damage to bytes it already read shows at the next load. Damage it meets
is remembered: appends are refused until a later read finds the file repaired, and that read hands out
every event it had not handed out yet.

A long journal gets a disposable copy of its events beside it (see journal_cache), used only while the
journal's bytes are the very ones it was made from.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, overload

from relboard.domain.events import Event
from relboard.domain.fold_index import EventLog
from relboard.store.files import cannot_write, folder_of, make_folder, write_all, write_atomically
from relboard.store.journal_blocks import Anomaly, Parsed, parse_blocks, read_from
from relboard.store.journal_format import (
    STATE_SCHEMA,
    StateError,
    UnsaveableEvent,
    encode_block,
    new_header,
    read_header,
)
from relboard.store.journal_scan import KEEP, JournalDamaged, JournalScan, scan_journal
from relboard.store.lock import LockTimeout, locked

__all__ = ["STATE_SCHEMA", "Journal", "JournalDamaged", "JournalScan", "StateError", "UnsaveableEvent"]

_LOCK_TIMEOUT = 10.0
# Loading keeps a copy of the events beside a journal once this many of its bytes were read the slow way (some
# 500 events: parsing them takes longer than importing the copy's reader and reading it)...
_CACHE_FROM = 128 << 10
# ...and writes it again once the journal has grown by this many bytes since (a long window's copy is tens of
# megabytes: it is not rewritten for every few hundred events).
_CACHE_AGAIN = 1 << 20
_KEEP_FOLDER = "pass --state PATH with a file path instead"
_KEEP_REOPEN = "nothing more was written to it; reopen the window to read it again"
_MOVED = "the state file was moved or deleted while the window was open; " + _KEEP_REOPEN


class Journal:
    """One state file. load() reads it, append() adds one event durably, read_new() follows other writers."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.cache_path = self.path.with_name(self.path.name + ".cache")
        self._salvage = False
        self._lazy = False
        self._reset()

    def _reset(self) -> None:
        self._ino: int | None = None  # the file we read, to notice it being replaced under us
        self._has_header = False
        self._offset = 0  # bytes already turned into events
        self._seen: tuple[int, int, int] | None = None  # (inode, size, mtime) when last read
        # Every event in the file, to write it again if the file vanishes.
        self._known: list[Event] | EventLog = []
        # Set while the file is damaged (only a salvaging journal gets that far): its intact events and the
        # damage. Nothing is written to such a file.
        self.damage: JournalScan | None = None

    @property
    def exists(self) -> bool:
        return os.path.lexists(self.path)

    @overload
    def load(self, *, salvage: bool = False, lazy: Literal[False] = False) -> list[Event]: ...
    @overload
    def load(self, *, salvage: bool = False, lazy: bool) -> Sequence[Event]: ...
    def load(self, *, salvage: bool = False, lazy: bool = False) -> Sequence[Event]:
        """Every event in the file (none for a missing file); a torn last block is left out.

        A damaged file raises JournalDamaged, or with `salvage` gives its intact events and keeps the
        damage report in `self.damage` (appending then raises JournalDamaged until it is repaired).
        `lazy`: the events that come from the journal's cached copy are an EventLog, decoded only when read
        and indexed for a fold on demand (relboard.domain.state_lazy), as a writer wants them."""
        self._reset()
        self._salvage = salvage
        self._lazy = lazy
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
            raise self._error(f"cannot read the state file ({exc.strerror}); {KEEP}") from None
        if (st.st_ino, st.st_size, st.st_mtime_ns) == self._seen:
            return []
        return list(self._read())

    def _read(self, use_cache: bool = False) -> Sequence[Event]:
        # Only load() reads with the cache, and only it may get an EventLog back.
        fd = self._open(os.O_RDONLY | os.O_NONBLOCK)
        if fd is None:
            return []
        try:
            events, _ = self._catch_up(fd, use_cache)
        finally:
            os.close(fd)
        return events

    def unwritable_reason(self) -> str | None:
        """Why events cannot be appended to this file, found without writing anything; None when they can."""
        if self.damage is not None:
            return "the state file is damaged"
        folder = folder_of(self.path)
        if not self.exists:
            while not folder.exists() and folder != folder.parent:
                folder = folder.parent
            problem = cannot_write(folder)
            return None if problem is None else f"its folder {folder} is not writable ({problem})"
        problem = cannot_write(self.path)
        if problem is not None:
            return f"the state file is not writable ({problem})"
        target = self.lock_path if os.path.lexists(self.lock_path) else folder
        problem = cannot_write(target)
        if problem is not None:
            what = f"its lock file {self.lock_path.name}" if target == self.lock_path else f"its folder {folder}"
            return f"{what} is not writable ({problem})"
        return None

    def append(self, event: Event) -> list[Event]:
        """Write `event` and fsync it; return the events other writers added since our last read, in file order."""
        return self.append_all([event])

    def append_all(self, events: list[Event]) -> list[Event]:
        """`append` for several events at once: one write and one fsync (events arriving from a hub)."""
        if self.damage is not None:
            # Repaired since? Then the read takes in the repaired file (and refuses while it is not).
            self.read_new()
            if self.damage is not None:
                raise JournalDamaged(self.path, self.damage)
        block = b"".join(encode_block(event) for event in events)
        try:
            make_folder(self.path.parent)
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
        foreign: Sequence[Event] = []
        try:
            if fd is not None:
                foreign, torn = self._catch_up(fd, strict=True)
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
                self._catch_up(fd, strict=True)
            start = self._offset
            try:
                write_all(fd, block)
                os.fsync(fd)
            except OSError:
                # Leave no half block behind when the disk is full or failing.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise
            st = os.fstat(fd)
            self._known.extend(events)
            self._offset = start + len(block)
            self._seen = (st.st_ino, st.st_size, st.st_mtime_ns)
            return list(foreign)
        finally:
            if fd is not None:
                os.close(fd)

    def _create(self, events: Sequence[Event] | None = None) -> None:
        """Write the header (and `events`, when the file is written again) atomically, so no reader sees
        half of it. A blank file is replaced; writing again never replaces a file that appeared meanwhile."""
        data = new_header() + b"".join(encode_block(e) for e in events or ())
        try:
            write_atomically(self.path, data, replace=events is None)
        except FileExistsError:
            raise self._error(_MOVED) from None

    def _open(self, flags: int) -> int | None:
        try:
            return os.open(self.path, flags | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise self._error(f"this is a folder, not a state file; {_KEEP_FOLDER}") from None
        except OSError as exc:
            raise self._error(f"cannot open the state file ({exc.strerror}); {KEEP}") from None

    def _catch_up(self, fd: int, use_cache: bool = False, strict: bool = False) -> tuple[Sequence[Event], bool]:
        """Parse what was added to the file since our offset; True when it ends in a torn block.

        With `use_cache`, a first read takes the events of the journal's start from the copy beside it
        when that copy was made from these very bytes, and refreshes the copy when much was read without it.
        `strict` (a writer's read) refuses damage even in a salvaging journal."""
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise self._error(f"this is a folder, not a state file; {_KEEP_FOLDER}")
        if not stat.S_ISREG(st.st_mode):
            raise self._error(f"this is not a regular file; {KEEP}")
        if self.damage is not None:
            return self._rescan(fd, st, strict)
        if self._has_header and (st.st_ino != self._ino or st.st_size < self._offset):
            raise self._error(
                "the state file was replaced or cut short by something else while the window was open; " + _KEEP_REOPEN
            )
        base = self._offset if self._has_header else 0
        data = self._read_bytes(fd, base, st.st_size - base)
        try:
            if self._has_header:
                parsed = parse_blocks(data, 0)
            else:
                header = read_header(data)
                if header.problem is not None:
                    raise Anomaly
                self._has_header = header.present
                parsed = self._parse_with_cache(data, header.end) if use_cache else parse_blocks(data, header.end)
        except Anomaly:
            return self._rescan(fd, st, strict)
        self._ino = st.st_ino
        self._offset = base + parsed.end
        self._seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        if isinstance(parsed.events, EventLog):
            self._known = parsed.events.copy()
        else:
            self._known.extend(parsed.events)
        return parsed.events, parsed.end < len(data)

    def _rescan(self, fd: int, st: os.stat_result, strict: bool) -> tuple[list[Event], bool]:
        """Read the whole file with the full scan: damage is refused (or, salvaging, kept aside)."""
        data = self._read_bytes(fd, 0, st.st_size)
        scan = scan_journal(self.path, data)
        known = len(self._known)
        if scan.events[:known] != self._known:
            raise self._error(
                "the state file was replaced or changed by something else while the window was open; " + _KEEP_REOPEN
            )
        if scan.damage and (strict or not self._salvage):
            # Refused, and remembered: nothing is appended until a later read finds the file repaired,
            # and that read gives every event this one did not hand out.
            self.damage = scan
            raise JournalDamaged(self.path, scan)
        new = scan.events[known:]
        end = scan.torn[0] if scan.torn is not None else scan.size
        self.damage = scan if scan.damage else None
        self._has_header = scan.header.present
        self._ino = st.st_ino
        self._offset = end
        self._seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        self._known.extend(new)
        return new, scan.torn is not None

    def _read_bytes(self, fd: int, offset: int, size: int) -> bytes:
        try:
            return read_from(fd, offset, size)
        except OSError as exc:
            raise self._error(f"cannot read the state file ({exc.strerror}); {KEEP}") from None

    def _parse_with_cache(self, data: bytes, header_end: int) -> Parsed:
        if len(data) - header_end < _CACHE_FROM:
            return parse_blocks(data, header_end)
        # Only long journals need the copy; short ones do not pay for importing it.
        from relboard.store.journal_cache import read_cache, write_cache

        found = read_cache(self.cache_path, data, whole=not self._lazy)
        known: list[Event] | EventLog = []
        if found is not None and found.length >= header_end:
            try:
                if self._lazy:
                    # An event of the copy that fails its own check is read from the journal instead.
                    found.or_from_journal(self._events_of(data, found.length, header_end))
                    known = found.log()
                else:
                    known = found.events()
            except (ValueError, TypeError, IndexError, EOFError):
                found = None  # a copy that does not decode (made by hand): read the journal instead
        else:
            found = None
        start = found.length if found is not None else header_end
        parsed = parse_blocks(data, start)
        if parsed.end - start >= (_CACHE_AGAIN if found is not None else _CACHE_FROM):
            write_cache(self.cache_path, data, parsed.end, list(parsed.events), previous=found)
        if found is None:
            return parsed
        known.extend(parsed.events)
        return Parsed(known, parsed.end)

    def _events_of(self, data: bytes, length: int, header_end: int) -> Callable[[int], Event]:
        """Each event of data[:length], which a cached copy was made from, by position; the blocks are parsed
        when the first is asked for (most copies are never asked)."""
        parsed: list[Event] = []

        def event_at(position: int) -> Event:
            if not parsed:
                with contextlib.suppress(Anomaly):
                    parsed.extend(parse_blocks(data[:length], header_end).events)
            if position < len(parsed):
                return parsed[position]
            # Only a copy made by hand gets here: it matched the journal's bytes but not their events.
            raise self._error(f"{self.cache_path.name} does not match the state file; delete it and try again")

        return event_at

    def _error(self, message: str) -> StateError:
        return StateError(self.path, 1, 1, message)
