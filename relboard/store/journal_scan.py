"""Reading a damaged journal: every intact event, and where each damaged byte range is.

The fast reader in journal.py hands a file to this scan as soon as anything in it is not as relboard
writes it. The scan cuts the file into consecutive byte ranges, none left out: the header, then for
each `[[event]]` line a block up to its first `sum` line, then any text before the next `[[event]]`
line. A block is kept when its checksum matches and it holds a valid event seen nowhere earlier in the
file; everything else is damage, with its lines and reason (`relboard state check`, `state repair`).

Only a strict prefix of a block at the very end of the file is a torn write (a crash while appending):
no complete `sum` line, and every complete line in it one that relboard writes. A complete last block
whose checksum does not match is damage like any other: it was fsynced once.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from msgspec import Struct, field

from relboard.domain.event_input import quick_event
from relboard.domain.events import EVENT_TYPES, Event, event_fields
from relboard.domain.events import KINDS as _KINDS
from relboard.store.journal_format import (
    MARKER,
    SCALAR,
    STRING,
    SUM_KEY,
    SUM_OPEN,
    Header,
    HeaderProblem,
    StateError,
    read_body,
    read_header,
)

KINDS = frozenset(_KINDS)
_FIELDS = frozenset(name for cls in EVENT_TYPES for name in event_fields(cls))

_SINGLE = re.compile(r"([A-Za-z0-9_]+) = (?:" + SCALAR + r"|\[\])")
_ARRAY_OPEN = re.compile(r"([A-Za-z0-9_]+) = \[")
_ARRAY_ITEM = re.compile(r"    " + STRING + ",")
_PARTIAL_KEY = re.compile(rb"[A-Za-z0-9_]* ?=?")
_PARTIAL_ASSIGN = re.compile(rb"([A-Za-z0-9_]+) = ")
_PARTIAL_SUM = re.compile(rb'sum = (?:"[0-9a-f]{0,8}|"[0-9a-f]{8}")?')
_HEADER_LINE = re.compile(rb"(?m)^[ \t]*(?:schema|created)[ \t]*=")

REPAIR_ADVICE = (
    "the file was kept as it is and nothing was written to it: `{check}` lists the damage, and"
    " `{repair}` copies it aside and keeps every intact event"
)


class Damage(Struct, frozen=True):
    """One damaged byte range of the file, data[start:end]."""

    start: int
    end: int
    line: int  # its first line
    last_line: int
    col: int  # where in its first line the problem is (1: the whole range)
    what: str  # "[[event]] block", "header", "text between blocks"
    reason: str

    @property
    def lines(self) -> str:
        return str(self.line) if self.line == self.last_line else f"{self.line}-{self.last_line}"

    def describe(self) -> str:
        word = "line" if self.line == self.last_line else "lines"
        return f"damaged {self.what} ({word} {self.lines}): {self.reason}"


class JournalScan(Struct):
    """The whole file cut into ranges: header, kept blocks, damage, and a torn tail."""

    size: int
    header: Header
    events: list[Event] = field(default_factory=list)
    kept: list[tuple[int, int]] = field(default_factory=list)  # byte ranges of the intact blocks
    damage: list[Damage] = field(default_factory=list)
    torn: tuple[int, int] | None = None  # the incomplete last block of a write cut short

    @property
    def damaged(self) -> bool:
        return bool(self.damage)

    @property
    def header_damage(self) -> Damage | None:
        return next((d for d in self.damage if d.start == 0 and d.what == "header"), None)

    def summary(self) -> str:
        count = len(self.events)
        parts = [f"{count} event{'' if count == 1 else 's'} intact"]
        header = self.header_damage
        if header is not None:
            parts.append(f"damaged header at line{'' if header.line == header.last_line else 's'} {header.lines}")
        blocks = [d.lines for d in self.damage if d is not header]
        if blocks:
            shown = ", ".join(blocks[:5]) + (f" and {len(blocks) - 5} more" if len(blocks) > 5 else "")
            many = len(blocks) != 1 or "-" in blocks[0]
            parts.append(
                f"{len(blocks)} damaged block{'s' if len(blocks) != 1 else ''} at line{'s' if many else ''} {shown}"
            )
        if not self.damage:
            parts.append("no damage")
        if self.torn is not None:
            parts.append("the last block was cut short by a crash and is dropped on the next write")
        return ", ".join(parts)


class JournalDamaged(StateError):
    """The journal has damaged ranges; `scan` holds its intact events and where the damage is."""

    def __init__(self, path: Path, scan: JournalScan) -> None:
        first = scan.damage[0]
        self.scan = scan
        self.reason = f"the state file is damaged: {first.describe()}; {scan.summary()}"
        super().__init__(
            path, first.line, first.col, self.advised("relboard state check PLAN", "relboard state repair PLAN")
        )

    def advised(self, check: str, repair: str) -> str:
        """The message naming the exact commands to run."""
        return f"{self.reason}; " + REPAIR_ADVICE.format(check=check, repair=repair)


class _Lines:
    """Line numbers of offsets that move mostly forward, counted from the last one asked for (a file
    damaged everywhere must not be counted from its start for every range)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0
        self.line = 1

    def of(self, offset: int) -> int:
        if offset >= self.offset:
            self.line += self.data.count(b"\n", self.offset, offset)
        else:
            self.line -= self.data.count(b"\n", offset, self.offset)
        self.offset = offset
        return self.line

    def col(self, offset: int) -> int:
        return offset - (self.data.rfind(b"\n", 0, offset) + 1) + 1


def scan_journal(path: Path, data: bytes) -> JournalScan:
    """Every intact event of `data` and every damaged range; raises StateError when the file is not a state
    relboard may touch (a plan, a newer relboard's state, or something with no intact block at all)."""
    header = read_header(data)
    scan = JournalScan(size=len(data), header=header)
    problem = header.problem
    if problem is not None and problem.fatal:
        raise StateError(path, problem.line, problem.col, fatal_message(problem.reason))
    lines = _Lines(data)
    if problem is not None:
        last = lines.of(header.end - 1) if header.end else 1
        scan.damage.append(Damage(0, header.end, 1, last, 1, "header", _header_reason(problem)))
    _scan_blocks(data, header.end, scan, lines)
    if problem is not None and not scan.events:
        raise StateError(path, problem.line, problem.col, fatal_message(problem.reason))
    return scan


def _header_reason(problem: HeaderProblem) -> str:
    where = f" (line {problem.line}, column {problem.col})" if (problem.line, problem.col) != (1, 1) else ""
    return f"{problem.reason}{where}"


def fatal_message(reason: str) -> str:
    if reason.startswith("this state was written by a newer relboard"):
        return reason
    if reason.startswith(("unknown state schema", "it has no `schema = ")):
        return f"{reason.replace('it has', 'the state file has', 1)}; {KEEP}"
    return f"this is not a relboard state file ({reason}); {KEEP}"


KEEP = "the file was kept as it is; pass --state PATH to use another file"


def _scan_blocks(data: bytes, start: int, scan: JournalScan, lines: _Lines) -> None:
    if start < len(data) and not data.startswith(MARKER, start):
        # No `[[event]]` line after the header: a crash in the first block's marker.
        scan.torn = (start, len(data))
        return
    positions = []
    at = data.find(MARKER, start)
    while at != -1:
        positions.append(at)
        # A `[[event]]` line right after another shares its line break with the first one's marker.
        at = data.find(MARKER, at + len(MARKER) - 1)
    seen: dict[bytes, int] = {}
    for index, begin in enumerate(positions):
        last = index == len(positions) - 1
        limit = len(data) if last else positions[index + 1]
        piece = data[begin + len(MARKER) : limit] if begin + len(MARKER) <= limit else b""
        if piece.startswith(SUM_KEY):
            sum_at = 0
        else:
            found = piece.find(SUM_OPEN)
            sum_at = -1 if found == -1 else found + 1
        line_end = -1 if sum_at == -1 else piece.find(b"\n", sum_at)
        if line_end == -1:
            if last and looks_torn(piece):
                scan.torn = (begin, len(data))
                return
            reason = (
                "it has no `sum` line: cut short, or its `sum` line is damaged"
                if not last
                else "the last block has no complete `sum` line, and its other lines are not what relboard writes"
            )
            _damage(scan, lines, begin, limit, "[[event]] block", reason)
            continue
        end = min(begin + len(MARKER) + line_end + 1, limit)
        block = data[begin:end]
        outcome = _check(piece[:sum_at], piece[sum_at : line_end + 1])
        if isinstance(outcome, tuple):
            reason, at_byte = outcome
            if at_byte >= 0:
                bad = begin + len(MARKER) + at_byte
                reason += f" at line {lines.of(bad)}, column {lines.col(bad)}"
            _damage(scan, lines, begin, end, "[[event]] block", reason)
        elif block in seen:
            _damage(scan, lines, begin, end, "[[event]] block", f"a second copy of the block at line {seen[block]}")
        else:
            seen[block] = lines.of(begin + 1)
            scan.events.append(outcome)
            scan.kept.append((begin, end))
        if end < limit:
            extra = data[end:limit]
            if last and MARKER.startswith(extra.rstrip(b"\0")):
                scan.torn = (end, len(data))
                return
            if _HEADER_LINE.search(extra):
                _damage(scan, lines, end, limit, "header", "a second state header (two state files joined into one?)")
            else:
                _damage(scan, lines, end, limit, "text between blocks", "text that is not part of an [[event]] block")


def _damage(scan: JournalScan, lines: _Lines, start: int, end: int, what: str, reason: str) -> None:
    # A block's range starts with the line break of the blank line before its `[[event]]` line; its
    # lines are counted from the `[[event]]` line.
    first = lines.of(start + 1 if what == "[[event]] block" and end - start > 1 else start)
    last = max(lines.of(max(end - 1, start)), first)
    scan.damage.append(Damage(start, end, first, last, 1, what, reason))


def _check(body: bytes, sum_line: bytes) -> Event | tuple[str, int]:
    """The block's event, or why it is damaged and the offset (in body + sum line) of the first bad byte."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"it holds bytes that are not UTF-8 text (byte 0x{body[exc.start]:02x})", exc.start
    try:
        sum_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"it holds bytes that are not UTF-8 text (byte 0x{sum_line[exc.start]:02x})", len(body) + exc.start
    if sum_line != b'sum = "%08x"\n' % zlib.crc32(body):
        return "its checksum does not match", -1
    try:
        data = read_body(body)
    except ValueError as exc:
        return f"its TOML cannot be read ({exc})", -1
    kind = data.get("kind")
    if kind not in KINDS:
        shown = repr(kind)
        return f"not a valid event: unknown kind {shown if len(shown) <= 60 else shown[:59] + '…'}", -1
    quick = quick_event(data)
    if quick is not None:
        return quick
    # Only an unusual block pays for the models, which also say what is wrong with it.
    from pydantic import ValidationError

    from relboard.domain.event_model import validate_event

    try:
        return validate_event(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"][1:] if not isinstance(part, int))
        detail = f"{where}: {problem['msg']}" if where else problem["msg"]
        return f"not a valid event ({detail})", -1


def looks_torn(piece: bytes) -> bool:
    """Whether what follows a last `[[event]]` line is a strict prefix of a block relboard wrote: complete
    lines of its own kinds, no complete `sum` line, then part of a line (and zeros a power cut may leave)."""
    piece = piece.rstrip(b"\0")
    cut = piece.rfind(b"\n") + 1
    complete, partial = piece[:cut], piece[cut:]
    try:
        text = complete.decode("utf-8")
    except UnicodeDecodeError:
        return False
    in_array = False
    for line in text.split("\n")[:-1]:
        if in_array:
            if line == "]":
                in_array = False
            elif not _ARRAY_ITEM.fullmatch(line):
                return False
            continue
        single = _SINGLE.fullmatch(line)
        opened = None if single else _ARRAY_OPEN.fullmatch(line)
        match = single or opened
        if match is None or match.group(1) not in _FIELDS:
            return False
        in_array = opened is not None
    if in_array or _PARTIAL_KEY.fullmatch(partial):
        return True
    assign = _PARTIAL_ASSIGN.match(partial)
    if assign is None:
        return False
    if assign.group(1) == b"sum":
        return _PARTIAL_SUM.fullmatch(partial) is not None
    return assign.group(1).decode("ascii") in _FIELDS
