"""Events from outside (journal blocks, the journal's cache, the hub), checked without pydantic when they
are as relboard writes them.

`read_event` makes the event itself only when every value already has exactly the type and form the
event's model would accept unchanged: no key left over, none missing without a default, strings that
match their patterns, known enum values. Anything else (an older spelling, a value the model would
convert or refuse) goes to the model (`event_model.validate_event`), which decides and words the
problem, so every message stays the model's and pydantic is imported only when one is needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from relboard.domain import events
from relboard.domain.events import KINDS, Event
from relboard.domain.identity import HLC_PATTERN, ID_PATTERN, WRITER_PATTERN
from relboard.domain.records import NO_DEFAULT, defaults, written_types

_NO = object()  # a value this reader is not sure of


def read_event(data: Any) -> Event:
    """The event `data` holds; raises ValueError (pydantic's ValidationError) when it holds none."""
    made = quick_event(data)
    if made is None:
        from relboard.domain.event_model import validate_event

        made = validate_event(data)
    return made


def read_events(items: list[Any]) -> list[Event]:
    """`read_event` for each; raises ValueError at the first that holds no event."""
    quick = quick_event
    found = []
    for data in items:
        made = quick(data)
        found.append(made if made is not None else read_event(data))
    return found


def quick_event(data: Any) -> Event | None:
    """The event, when `data` is exactly as relboard writes it; None when the model must decide."""
    if type(data) is not dict:
        return None
    kind = data.get("kind")
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        return None
    return reader(data)


def _string(value: Any) -> Any:
    return value if type(value) is str else _NO


def _boolean(value: Any) -> Any:
    return value if type(value) is bool else _NO


def _integer(value: Any) -> Any:
    return value if type(value) is int else _NO


def _number(value: Any) -> Any:
    # The model makes a float of an int; a bool it would refuse here or convert: not sure.
    return float(value) if type(value) is float or type(value) is int else _NO


def _strings(value: Any) -> Any:
    if type(value) is not list:
        return _NO
    for item in value:
        if type(item) is not str:
            return _NO
    return list(value)


def _moment(value: Any) -> Any:
    return value if type(value) is datetime and value.tzinfo is not None and value.utcoffset() is not None else _NO


def _matching(pattern: str) -> Callable[[Any], Any]:
    match = re.compile(pattern).fullmatch

    def check(value: Any) -> Any:
        if value is None:
            return None
        return value if type(value) is str and match(value) is not None else _NO

    return check


def _member(enum: type[StrEnum]) -> Callable[[Any], Any]:
    members = {member.value: member for member in enum}

    def check(value: Any) -> Any:
        return members.get(value, _NO) if type(value) is str else _NO

    return check


_BY_TYPE: dict[str, Callable[[Any], Any]] = {
    "str": _string,
    "bool": _boolean,
    "int": _integer,
    "float": _number,
    "list[str]": _strings,
    "datetime": _moment,
    "StepStatus": _member(events.StepStatus),
    "Decision": _member(events.Decision),
    "NoticeKind": _member(events.NoticeKind),
    "ProbeOutcome": _member(events.ProbeOutcome),
}
_BY_NAME: dict[str, Callable[[Any], Any]] = {
    "id": _matching(ID_PATTERN),
    "writer": _matching(WRITER_PATTERN),
    "hlc": _matching(HLC_PATTERN),
}


def _reader(cls: type[Event]) -> Callable[[dict[str, Any]], Event | None]:
    checks: list[tuple[str, Callable[[Any], Any]]] = []
    required: list[str] = []
    hints = written_types(cls)
    for name, default in defaults(cls).items():
        if name == "kind":
            continue
        checks.append((name, _BY_NAME.get(name) or _BY_TYPE[hints[name]]))
        if default is NO_DEFAULT:
            required.append(name)
    known = frozenset(name for name, _ in checks) | {"kind"}

    def read(data: dict[str, Any]) -> Event | None:
        if not known.issuperset(data):
            return None
        values: dict[str, Any] = {}
        for name, check in checks:
            if name in data:
                value = check(data[name])
                if value is _NO:
                    return None
                values[name] = value
        for name in required:
            if name not in values:
                return None
        return cls(**values)

    return read


_READERS: dict[str, Callable[[dict[str, Any]], Event | None]] = {kind: _reader(cls) for kind, cls in KINDS.items()}
