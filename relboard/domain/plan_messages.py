"""Plan validation errors in plain words, with the field path people can find in their file.

pydantic's own messages ("Input should be a valid list") speak of Python; these speak of the
TOML plan and of the seed's prerequisites (a window, a validation owner, affected users, rollback
criteria must be agreed before scheduling a production change).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from relboard.domain.plan import PLAN_SCHEMA
from relboard.domain.plan_model import Plan
from relboard.domain.plan_quote import format_path, is_bare_key, show

Loc = tuple[str | int, ...]

# Tables the seed requires before a production change is scheduled, and why.
_MISSING_TABLE: dict[Loc, str] = {
    ("release",): "missing [release] table: say what changes (title, environment, deployment_model, scope, category)",
    ("window",): (
        "missing [window] table: agree the maintenance window (start, duration, rollback_time and the "
        "communication, validation, technical and business owners) before scheduling the change"
    ),
    ("affected_users",): (
        "no [[affected_users]]: name the groups the change affects (operators, administrators, "
        "integration owners, ...) and the expected impact"
    ),
    ("rollback",): (
        "missing [rollback] table: write the impact statement and the [[rollback.criteria]] "
        "for pausing, reverting or rescheduling"
    ),
    ("rollback", "criteria"): (
        "no rollback criteria: agree the conditions for pausing, reverting or rescheduling before "
        "the window and write each as a [[rollback.criteria]] block"
    ),
    ("window", "validation_owner"): (
        "window.validation_owner is missing: name who validates the release during the window"
    ),
}


def _kind(value: Any) -> str:
    """What a TOML value is, in TOML's words."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "a datetime"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return "a value"


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" -> "a, b, c"."""
    return ", ".join(part.strip("'\" ") for part in re.split(r",| or ", expected) if part.strip("'\" "))


def _model_at(loc: Loc) -> tuple[type[BaseModel] | None, Any]:
    """The model class that holds the last key of `loc`, and the field's annotation there."""
    current: Any = Plan
    model: type[BaseModel] | None = None
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else Any
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            model = current
            field = _field(current, part)
            if field is None:
                return model, None
            current = field.annotation
        else:
            args = typing.get_args(current)
            current = args[-1] if args else Any
            model = None
    return model, _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Optional[X] -> X, Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _key_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _is_model_list(annotation: Any) -> bool:
    args = typing.get_args(annotation)
    return (
        typing.get_origin(annotation) is list
        and bool(args)
        and isinstance(_unwrap(args[0]), type)
        and issubclass(_unwrap(args[0]), BaseModel)
    )


def _table_name(loc: Loc) -> str:
    """How the table holding a key is written in TOML: "[release]", "[[steps]] (steps[2])"."""
    if not loc:
        return "the top level of the plan"
    keys = ".".join(p if is_bare_key(p) else show(p) for p in loc if isinstance(p, str))
    if isinstance(loc[-1], int):
        return f"[[{keys}]] ({format_path(loc)})"
    return f"[{keys}]"


def describe(error: Mapping[str, Any]) -> tuple[Loc, str]:
    """One pydantic error as (path to point at, message in plain words)."""
    loc: Loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    path = format_path(loc)
    _, annotation = _model_at(loc)

    if kind == "missing":
        if loc in _MISSING_TABLE:
            return loc, _MISSING_TABLE[loc]
        if loc == ("schema",):
            return loc, f"schema is missing: start the plan with `schema = {PLAN_SCHEMA}`"
        if _is_model_list(annotation):
            return loc, f"no [[{path}]] blocks: {path} needs at least one"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return loc, f"missing [{path}] table"
        return loc, f"{path} is missing: add `{loc[-1]} = ...` to {_table_name(loc[:-1])}"

    if kind == "extra_forbidden":
        model, _ = _model_at(loc)
        key = str(loc[-1])
        message = f"unknown key {show(key).replace(chr(34), chr(39))} in {_table_name(loc[:-1])}"
        if model is not None:
            close = difflib.get_close_matches(key, _key_names(model), n=1, cutoff=0.6)
            if close:
                message += f"; did you mean '{close[0]}'?"
        return loc, message

    if loc == ("schema",):
        if isinstance(value, int) and not isinstance(value, bool) and value > PLAN_SCHEMA:
            return loc, (
                f"schema = {value}: this plan was written for a newer relboard "
                f"(this version reads schema {PLAN_SCHEMA}); upgrade relboard"
            )
        return loc, f"schema must be {PLAN_SCHEMA}, not {show(value)}"

    if kind == "enum" or kind == "literal_error":
        noun = _noun(annotation, loc)
        return loc, f"{path}: {show(value)} is not {noun}; use one of {_choices(str(ctx.get('expected', '')))}"

    if kind in ("value_error", "assertion_error"):
        reason = str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, ")
        joiner = " " if reason.startswith(("is ", "must ")) else ": "
        return loc, f"{path}{joiner}{reason}"

    if kind == "string_too_short":
        return loc, f"{path} is empty; write some text"
    if kind == "too_short":
        return loc, f"{path} is empty; give at least {ctx.get('min_length', 1)}"
    if kind == "string_pattern_mismatch":
        return loc, _pattern_message(loc, path, value, str(ctx.get("pattern", "")))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return loc, f"{path}: {show(value)} is out of range; it must be {bound} {limit}"

    expected = _expected_kind(kind, annotation, loc)
    if expected:
        return loc, f"{path} must be {expected}, not {_kind(value)}"
    message = str(error.get("msg", "is not valid"))
    return loc, f"{path}: {message}"


def _noun(annotation: Any, loc: Loc) -> str:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "a " + re.sub(r"(?<!^)(?=[A-Z])", " ", annotation.__name__).lower()
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else "value"
    return f"a known {name}"


def _pattern_message(loc: Loc, path: str, value: Any, pattern: str) -> str:
    last = loc[-1] if loc else ""
    if last in ("url", "api_url", "rest_url"):
        return f"{path}: {show(value)} is not an http:// or https:// URL"
    if last in ("api_key_env", "routing_key_env", "api_token_env") or (len(loc) > 1 and loc[-2] == "env"):
        return (
            f"{path}: {show(value)} is not an environment variable name; give the variable's name"
            " (e.g. API_TOKEN), never its value"
        )
    if last == "webhook_env":
        return (
            f"{path}: {show(value)} is not an environment variable name; give the variable's name "
            "(e.g. RELBOARD_WEBHOOK), never the URL itself"
        )
    return f"{path}: {show(value)} does not have the expected form ({pattern})"


def _expected_kind(kind: str, annotation: Any, loc: Loc) -> str:
    if kind in ("string_type", "str_type"):
        return "text in quotes"
    if kind == "bool_parsing" or kind == "bool_type":
        return "true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "a whole number"
    if kind in ("list_type", "tuple_type", "set_type"):
        if _is_model_list(annotation):
            keys = ".".join(p for p in loc if isinstance(p, str))
            return f"an array of tables: write a [[{keys}]] block for each one"
        return 'an array, e.g. ["a", "b"]'
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"a table ([{'.'.join(p for p in loc if isinstance(p, str))}] or {{ key = value, ... }})"
    if kind in ("timedelta_type", "timedelta_parsing"):
        return 'a duration in quotes, like "2h30m"'
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return "an offset datetime, e.g. 2026-12-05T22:00:00+01:00"
    return ""


def schema_messages(error: ValidationError) -> list[tuple[Loc, str]]:
    """Every problem in a plan that the model rejected.

    A plan written for a newer schema is reported alone: its other "errors" are only the
    differences between versions and would bury the one line that matters.
    """
    details = error.errors(include_url=False)
    for item in details:
        value = item.get("input")
        if (
            tuple(item.get("loc", ())) == ("schema",)
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value > PLAN_SCHEMA
        ):
            return [describe(item)]
    return [describe(item) for item in details]
