"""A validated plan as plain data (JSON's types only) and back, exactly: what the validated-plan cache holds.

Each record becomes a dict of all its fields, a duration `[days, seconds, microseconds]`, a datetime
its ISO text (offset kept), an enum its value. Going back is led by the records' own field types, so
nothing in the data says what type to make. A value the plain form cannot hold exactly (a TOML datetime
inside a probe's `expect_json`, say) raises NotPlain: such a plan is simply not cached.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any

from relboard.domain import plan as plan_types
from relboard.domain.plan import Plan
from relboard.domain.records import field_names, is_record, is_record_type, written_types


class NotPlain(ValueError):
    """The plan holds a value that plain data cannot give back exactly."""


def plan_to_plain(plan: Plan) -> dict[str, Any]:
    plain: dict[str, Any] = _encode(plan)
    return plain


def plan_from_plain(data: dict[str, Any]) -> Plan:
    """The plan `plan_to_plain` was given. Raises KeyError, TypeError or ValueError on data of another shape."""
    made: Plan = _decoder(Plan)(data)
    return made


def shape() -> str:
    """The records' fields and types, for a cache to tell plain data written for another shape."""
    # The annotations as written (the module postpones them): no type is evaluated for this.
    return ";".join(
        f"{cls.__name__}(" + ",".join(f"{name}:{hint}" for name, hint in written_types(cls).items()) + ")"
        for cls in _classes()
    )


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        # An enum is a str here and is written as its value.
        return value.value if isinstance(value, Enum) else value
    if is_record(value):
        return {name: _encode(getattr(value, name)) for name in field_names(type(value))}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise NotPlain("a table whose keys are not text")
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, timedelta):
        return [value.days, value.seconds, value.microseconds]
    if isinstance(value, datetime):
        return value.isoformat()
    raise NotPlain(f"a {type(value).__name__} value")


def _classes() -> list[type[Any]]:
    return [
        value
        for value in vars(plan_types).values()
        if is_record_type(value) and value.__module__ == plan_types.__name__
    ]


@cache
def _hints(cls: Any) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(plan_types))
    return {name: hints[name] for name in field_names(cls)}


def _same(value: Any) -> Any:
    return value


@cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """How to make a value of type `hint` from its plain form."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is timedelta:
        return lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if hint is datetime:
        return datetime.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if is_record_type(hint):
        return _record_decoder(hint)
    if origin is list:
        item = _decoder(args[0])
        return list if item is _same else (lambda v: [item(x) for x in v])
    if args and type(None) in args and origin is not typing.Literal:
        rest = [a for a in args if a is not type(None)]
        inner = _decoder(rest[0] if len(rest) == 1 else typing.Union[tuple(rest)])  # noqa: UP007 - a runtime union
        return _same if inner is _same else (lambda v: None if v is None else inner(v))
    # str, bool, int, float, Literal[...], dict[str, str], dict[str, Any]: JSON's own types.
    return _same


def _record_decoder(cls: Any) -> Callable[[dict[str, Any]], Any]:
    converters = [(name, _decoder(hint)) for name, hint in _hints(cls).items()]
    converting = [(name, convert) for name, convert in converters if convert is not _same]
    names = frozenset(name for name, _ in converters)

    def decode(data: dict[str, Any]) -> Any:
        if data.keys() != names:
            raise ValueError(f"{cls.__name__}: other fields than the plan's")
        values = dict(data)
        for name, convert in converting:
            values[name] = convert(values[name])
        return cls(**values)

    return decode
