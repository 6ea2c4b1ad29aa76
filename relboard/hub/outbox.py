"""Which of a journal's events are on the hub: `<state>.hub-sent`, one event id a line.

The journal is the outbox. An event is saved there first (fsynced) and published after; it is unsent
until its id is in this file, so a process killed between the two (or a laptop offline for hours)
loses nothing: the next board, `mark` or `sync` that reaches the hub publishes every unsent event, in
journal order. Losing this file, or a line of it, only means publishing again, which the hub ignores.

The first line names the hub's stream (its creation time): against a new or another hub, nothing in
the journal is on it yet, so everything is sent again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from relboard.domain.events import Event
from relboard.domain.identity import ID_PATTERN
from relboard.store.files import write_atomically

_ID = re.compile(ID_PATTERN)
_HEADER = "# relboard: ids of this journal's events that are on the hub; stream "


def sent_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".hub-sent")


def hub_lock_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".hub.lock")


class Outbox:
    def __init__(self, state_path: Path, stream: str = "") -> None:
        self.path = sent_path(Path(state_path))
        self.stream = stream
        self._sent: set[str] | None = None

    @property
    def sent(self) -> set[str]:
        if self._sent is None:
            self._sent = self._read()
        return self._sent

    def _read(self) -> set[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            return set()
        except OSError:
            return set()
        lines = text.split("\n")
        # Without the stream (an old file, a different hub), nothing counts as sent; an unknown stream
        # (offline: not asked yet) trusts the file as it is.
        if self.stream and (not lines or lines[0] != _HEADER + self.stream):
            return set()
        if not self.stream and lines and lines[0].startswith(_HEADER):
            self.stream = lines[0][len(_HEADER) :]
        return {line for line in lines[1:] if _ID.match(line)}

    def unsent(self, events: Iterable[Event]) -> list[Event]:
        sent = self.sent
        return [e for e in events if e.id is not None and e.id not in sent]

    def mark(self, ids: Iterable[str]) -> None:
        """Note ids as on the hub (no fsync: a lost line only means publishing it again)."""
        new = [i for i in ids if i not in self.sent]
        if not new:
            return
        self.sent.update(new)
        data = "".join(f"{i}\n" for i in new)
        try:
            fresh = not self.path.exists() or not self._header_matches()
            if fresh:
                # Start afresh (first use, or another hub): write the header and every id known.
                body = _HEADER + self.stream + "\n" + "".join(f"{i}\n" for i in sorted(self.sent))
                write_atomically(self.path, body.encode("utf-8"))  # the owner's alone, like the journal
                return
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
            try:
                os.write(fd, data.encode("ascii"))
            finally:
                os.close(fd)
        except OSError:
            pass  # not noting it costs a publish again next time, nothing else

    def _header_matches(self) -> bool:
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                return handle.readline().rstrip("\n") == _HEADER + self.stream
        except OSError:
            return False
