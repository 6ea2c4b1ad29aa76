"""A validated plan as JSON and back, exactly: what the validated-plan cache holds.

msgspec writes and reads it from the plan's own record types (a duration as ISO 8601, a datetime as
RFC 3339 with its offset, an enum as its value), checking every type on the way back: a 50,000-step plan
reads back in about 30 ms. Only a table of free-form values (a probe's `expect_json`) can hold what JSON
cannot give back as it was (a TOML datetime, an infinite float): such a plan raises NotPlain and is simply
not cached.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec

from relboard.domain import plan as plan_types
from relboard.domain.plan import Plan
from relboard.domain.records import is_record_type, written_types


class NotPlain(ValueError):
    """The plan holds a value that JSON cannot give back exactly."""


_DECODER = msgspec.json.Decoder(Plan)


def plan_to_json(plan: Plan) -> bytes:
    """Raises NotPlain for a plan that would not read back as it is, UnicodeEncodeError for text JSON cannot hold."""
    for step in plan.steps:
        if step.probe is not None and step.probe.expect_json is not None:
            _check_free(step.probe.expect_json)
    try:
        return msgspec.json.encode(plan)
    except msgspec.EncodeError as error:
        raise NotPlain(str(error)) from error


def plan_from_json(data: bytes) -> Plan:
    """The plan `plan_to_json` gave. Raises ValueError (msgspec.DecodeError) on data of another shape."""
    return _DECODER.decode(data)


def shape() -> str:
    """The records' fields and types, for a cache to tell data written for another shape."""
    classes = [value for value in vars(plan_types).values() if is_record_type(value)]
    return ";".join(
        f"{cls.__name__}(" + ",".join(f"{name}:{hint}" for name, hint in written_types(cls).items()) + ")"
        for cls in classes
        if cls.__module__ == plan_types.__name__
    )


def _check_free(value: Any) -> None:
    # JSON's own types come back as they went; a float must be finite (JSON has no infinity).
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotPlain("an infinite or NaN number")
        return
    if isinstance(value, list):
        for item in value:
            _check_free(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotPlain("a table whose keys are not text")
            _check_free(item)
        return
    raise NotPlain(f"a {type(value).__name__} value")
