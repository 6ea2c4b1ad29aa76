"""The state journal's bytes: its header, its `[[event]]` blocks and their checksums.

    schema = 1
    created = 2025-06-01 20:00:00.123456+00:00

    [[event]]
    kind = "step_marked"
    at = 2025-06-01 20:05:12.000042+00:00
    ...
    sum = "1a2b3c4d"

`sum` is the CRC-32 of the block's bytes between its `[[event]]` line and its `sum` line. tomli_w escapes
newlines inside strings, so a `[[event]]` line can only ever be a block start and a line starting with
`sum = "` only ever a block's end.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tomli_w
from msgspec import Struct

from relboard.domain.events import Event, event_to_dict, utc_now
from relboard.domain.identity import content_id

STATE_SCHEMA = 1

MARKER = b"\n[[event]]\n"
SUM_OPEN = b'\nsum = "'
SUM_KEY = b'sum = "'
SUM_CLOSE = b'"\n'
SUM_LINE = len(b'sum = "00000000"\n')
HEADER_NOTE = "# relboard window state: events are appended below, each with a checksum; do not edit by hand\n"


class StateError(Exception):
    """A state file relboard cannot use; str() is `PATH:LINE:COL: message`, the message says what to do."""

    def __init__(self, path: Path, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = Path(path)
        self.line = line
        self.col = col
        self.message = message


class UnsaveableEvent(ValueError):
    """This event can never be written (its text cannot be encoded): retrying will not help."""


# The lines tomli_w writes for the common values, read without tomllib (which is too slow for long
# windows); anything else (inline arrays, inf, nan, literal strings) goes through tomllib. Only blocks
# whose checksum matched get here, so these patterns only ever see tomli_w's own output, whose string
# escapes (\b \t \n \f \r \" \\ \uXXXX for other control characters) mean the same in JSON, which decodes
# them fast. Strings are written as "run of plain characters, then (escape, run)*" so that the regex
# engine scans runs instead of trying an alternative per character.
STRING = r'"[^"\\\n]*(?:\\(?:[btnfr"\\]|u[0-9a-fA-F]{4})[^"\\\n]*)*"'
SCALAR = (
    r"(" + STRING + r")"
    r"|(true|false)|(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    r"|(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d))"
)
_LINE = re.compile(
    r"^([A-Za-z0-9_]+) = (?:"
    + SCALAR
    +
    # tomli_w writes a non-empty array one item a line, each with a trailing comma.
    r"|(\[\]|\[\n(?:    "
    + STRING
    + r",\n)+\]))$",
    re.MULTILINE,
)
_json_loads = json.loads
_from_iso = datetime.fromisoformat


def encode_block(event: Event) -> bytes:
    data = event_to_dict(event)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = _toml_datetime(value)
    try:
        body = tomli_w.dumps(data).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UnsaveableEvent(f"the event holds text that cannot be saved as UTF-8: {exc.reason}") from None
    return b"%s%s%s%08x%s" % (MARKER, body, SUM_KEY, zlib.crc32(body), SUM_CLOSE)


def new_header() -> bytes:
    return (tomli_w.dumps({"schema": STATE_SCHEMA, "created": utc_now()}) + HEADER_NOTE).encode("utf-8")


def _toml_datetime(value: datetime) -> datetime:
    # TOML offsets have whole minutes; an offset with seconds (old local mean times) is saved in UTC.
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        return value.astimezone(UTC)
    return value


class HeaderProblem(Struct, frozen=True):
    """What is wrong with a header. `fatal`: the file is not a state this relboard may touch at all;
    otherwise the header is damage that intact blocks after it survive."""

    line: int
    col: int
    reason: str
    fatal: bool = False


class Header(Struct, frozen=True):
    end: int  # where the header ends (the first block's marker, or the end of the file)
    present: bool  # False for a blank file: a state not yet begun
    problem: HeaderProblem | None = None


def header_end(data: bytes) -> int:
    first = data.find(MARKER)
    if first != -1:
        return first
    # A crash in the first block's `[[event]]` line leaves a bit of it after the header.
    for cut in range(len(MARKER) - 1, 0, -1):
        if data.endswith(MARKER[:cut]) and data[: len(data) - cut].endswith(b"\n"):
            return len(data) - cut
    return len(data)


def read_header(data: bytes) -> Header:
    """The header at the start of `data`, and what is wrong with it if anything."""
    end = header_end(data)
    has_blocks = end < len(data) and data.startswith(MARKER, end)
    raw = data[:end]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position(raw, exc.start)
        return Header(end, True, HeaderProblem(line, col, "it is not UTF-8 text"))
    if not text.strip():
        if has_blocks:
            return Header(
                end, True, HeaderProblem(1, 1, f"it has no `schema = {STATE_SCHEMA}` header before its events")
            )
        return Header(end, False)
    header = _quick_header(text)
    if header is None:
        import tomllib

        from relboard.store.toml_errors import decode_error_position

        try:
            header = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line, col, reason = decode_error_position(exc, text)
            return Header(end, True, HeaderProblem(line, col, reason))
    tables = [key for key, value in header.items() if _is_table(value)]
    if tables:
        # A plan given as --state by mistake also starts with `schema = 1`; its tables give it away.
        line = _key_line(text, rf"\[+{re.escape(tables[0])}\]+", assignment=False)
        return Header(end, True, HeaderProblem(line, 1, f"it has a [{tables[0]}] table; is it a plan?", fatal=True))
    schema = header.get("schema")
    line = _key_line(text, "schema")
    if schema is None:
        return Header(end, True, HeaderProblem(1, 1, "it has no `schema` key"))
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        reason = f"unknown state schema {schema!r} (this relboard reads schema {STATE_SCHEMA})"
        return Header(end, True, HeaderProblem(line, 1, reason))
    if schema > STATE_SCHEMA:
        reason = (
            f"this state was written by a newer relboard (schema {schema}, this version reads schema {STATE_SCHEMA});"
            " upgrade relboard to open it, or pass --state PATH to start a new state; the file was kept as it is"
        )
        return Header(end, True, HeaderProblem(line, 1, reason, fatal=True))
    return Header(end, True)


def _is_table(value: object) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and isinstance(value[0], dict))


def first_block(piece: bytes) -> bytes:
    """The piece (what follows a marker) up to the end of its first sum line (all of it when it has none)."""
    if piece.startswith(SUM_KEY):
        return piece[:SUM_LINE]
    at = piece.find(SUM_OPEN)
    return piece if at == -1 else piece[: at + 1 + SUM_LINE]


def verified_body(piece: bytes) -> bytes | None:
    """The body of a block (what follows its `[[event]]` line) when it is complete and its checksum matches.

    A complete block ends with its sum line and holds no other line starting with `sum = "`, exactly as the
    file format says; anything else is torn or damaged."""
    if len(piece) < SUM_LINE or not piece.endswith(SUM_CLOSE):
        return None
    body = piece[:-SUM_LINE]
    tail = piece[-SUM_LINE:]
    if not tail.startswith(SUM_KEY) or (body and not body.endswith(b"\n")):
        return None
    if body.startswith(SUM_KEY) or SUM_OPEN in body:
        return None
    if tail[len(SUM_KEY) : -len(SUM_CLOSE)] != b"%08x" % zlib.crc32(body):
        return None
    return body


def read_body(body: bytes) -> dict[str, Any]:
    """The block's keys and values; raises ValueError with the reason when it is not TOML.

    A block saved before events had ids gets one from its bytes: the same on every load and machine."""
    fields = _read_fields(body)
    if "id" not in fields and isinstance(fields.get("at"), datetime):
        fields["id"] = content_id(fields["at"], body)
    return fields


def _read_fields(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    quick = _quick_parse(text)
    if quick is not None:
        return quick
    import tomllib

    from relboard.store.toml_errors import decode_error_position

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(decode_error_position(exc, text)[2]) from None


def _quick_header(text: str) -> dict[str, Any] | None:
    """The header as relboard writes it (`schema`, `created`, a comment line), read without tomllib; None for
    anything else, which tomllib reads (and words what is wrong)."""
    lines = text.splitlines(keepends=True)
    if not text.endswith("\n") or any(line.lstrip().startswith("#") and not line.startswith("# ") for line in lines):
        return None
    return _quick_parse("".join(line for line in lines if not line.startswith("# ")))


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


def position(data: bytes, offset: int, line_base: int = 0) -> tuple[int, int]:
    """1-based line and column of data[offset]."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return line_base + data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _key_line(text: str, key: str, assignment: bool = True) -> int:
    match = re.search(rf"^[ \t]*{key}[ \t]*=" if assignment else rf"^[ \t]*{key}", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1
