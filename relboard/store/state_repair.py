"""A damaged state file: read it anyway, check it, repair it.

Repairing keeps every intact event byte for byte, copies every damaged byte range (with its lines) to
`<state>.damaged-<UTC time>.toml` beside the state, which relboard never reads or deletes, and replaces
the state atomically, under the journal's lock, with the intact events plus a `state_repaired` event.
A repaired file has nothing left to repair, so a second run changes nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from msgspec import Struct

from relboard.domain.events import StateRepaired, utc_now
from relboard.domain.text import clean
from relboard.store.files import write_atomically, write_new
from relboard.store.journal import Journal, StateError
from relboard.store.journal_format import encode_block, new_header
from relboard.store.journal_scan import KEEP, Damage, JournalScan, scan_journal
from relboard.store.lock import LockTimeout, locked

_LOCK_TIMEOUT = 10.0

# Called after a repair, outside the lock, with the repaired journal: appends the events that another
# copy of the window (the hub) holds and this file lost, and says how many. None: nothing to ask.
PullMissing = Callable[[Journal], int]


class RepairResult(Struct, frozen=True):
    state_path: Path
    kept: int  # intact events kept
    damage: tuple[Damage, ...]  # what was copied aside (empty: nothing needed repairing)
    side_file: Path | None  # where the damaged bytes went
    event: StateRepaired | None  # the event recorded in the repaired file
    pulled: int = 0  # events brought back by `pull_missing`

    @property
    def repaired(self) -> bool:
        return self.event is not None


def check_state(path: Path) -> JournalScan | None:
    """The whole file read block by block (None when it does not exist yet); StateError when it cannot be
    read at all or is not a state relboard may touch."""
    data = _read(Path(path))
    return None if data is None else scan_journal(Path(path), data)


def repair_state(
    path: Path | str,
    *,
    by: str,
    at: datetime | None = None,
    pull_missing: PullMissing | None = None,
) -> RepairResult:
    """Copy the damage aside and keep every intact event (see the module's docstring); StateError when
    the file is not a state relboard may touch or the lock or a write fails (the file is then unchanged)."""
    path = Path(path)
    journal = Journal(path)
    if not journal.exists:
        raise StateError(path, 1, 1, "there is no state file here; nothing to repair")
    try:
        with locked(journal.lock_path, timeout=_LOCK_TIMEOUT):
            result = _repair_locked(path, by, at or utc_now())
    except LockTimeout:
        raise StateError(
            path,
            1,
            1,
            f"another relboard process has held {journal.lock_path.name} for over {_LOCK_TIMEOUT:g} s; "
            "nothing was changed, try again",
        ) from None
    except OSError as exc:
        raise StateError(path, 1, 1, f"could not repair ({exc.strerror or exc}); the file was not changed") from None
    if result.repaired and pull_missing is not None:
        pulled = pull_missing(Journal(path))
        result = RepairResult(result.state_path, result.kept, result.damage, result.side_file, result.event, pulled)
    return result


def _repair_locked(path: Path, by: str, at: datetime) -> RepairResult:
    data = _read(path)
    if data is None:
        raise StateError(path, 1, 1, "there is no state file here; nothing to repair")
    scan = scan_journal(path, data)
    if not scan.damage:
        return RepairResult(path, len(scan.events), (), None, None)
    side = _write_side_file(path, data, scan, at)
    event = StateRepaired(
        at=at,
        by=by,
        damaged=len(scan.damage),
        lines=[d.lines for d in scan.damage],
        side_file=side.name,
        kept=len(scan.events),
    )
    header = new_header() if scan.header_damage is not None else data[: scan.header.end]
    kept = b"".join(data[start:end] for start, end in scan.kept)
    write_atomically(path, header + kept + encode_block(event))
    return RepairResult(path, len(scan.events), tuple(scan.damage), side, event)


def _write_side_file(path: Path, data: bytes, scan: JournalScan, at: datetime) -> Path:
    stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = clean(path.name, single_line=True)
    when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    parts = [
        f"# Damaged bytes that `relboard state repair` copied aside from {name} on {when}.\n"
        "# Each range follows its own `# ----` line byte for byte, and is not part of the window's state any more.\n"
        "# relboard never reads or deletes this file.\n".encode("utf-8", "surrogateescape")
    ]
    ranges = [(d.start, d.end, d.describe()) for d in scan.damage]
    if scan.torn is not None:
        start, end = scan.torn
        first = data.count(b"\n", 0, start + 1) + 1
        ranges.append((start, end, f"the last block (from line {first}), cut short by a crash while it was written"))
    for start, end, what in sorted(ranges):
        chunk = data[start:end]
        parts.append(
            f"# ---- bytes {start}-{end} of {name}: {clean(what, single_line=True)}\n".encode(
                "utf-8", "surrogateescape"
            )
        )
        parts.append(chunk if chunk.endswith(b"\n") or not chunk else chunk + b"\n")
    content = b"".join(parts)
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        side = path.with_name(f"{path.name}.damaged-{stamp}{suffix}.toml")
        try:
            write_new(side, content)
        except FileExistsError:
            continue
        return side
    raise FileExistsError(path)


def _read(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StateError(
            path, 1, 1, "this is a folder, not a state file; pass --state PATH with a file path instead"
        ) from None
    except OSError as exc:
        raise StateError(path, 1, 1, f"cannot open the state file ({exc.strerror}); {KEEP}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StateError(path, 1, 1, f"this is not a regular file; {KEEP}")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise StateError(path, 1, 1, f"cannot read the state file ({exc.strerror}); {KEEP}") from None
    finally:
        os.close(fd)
