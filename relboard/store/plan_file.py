"""Reading a plan file: bytes -> TOML -> Plan -> rules, every failure as `FILE:LINE:COL: message`.

A plan is the first thing an engineer hands relboard, often minutes before a window; whatever the
file holds, the answer is a list of lines they can act on, never a traceback.

What only a broken plan needs (positions of keys, pydantic errors in plain words) is imported where
a problem is found, so loading a good plan, which every command does first, stays quick. A plan seen
before comes from the validated-plan cache (see plan_cache) when the caller allows it: no TOML parser,
no pydantic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from relboard.domain.digests import sha256_hex
from relboard.domain.plan import Plan, share_owners

if TYPE_CHECKING:
    import tomllib

# tomllib names keys as Python tuples ("cannot declare ('window',) twice"); plans speak TOML.
_TOML_KEY_TUPLE = re.compile(
    r"\((?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")(?:,\s*(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))*,?\)"
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Problem(Struct, frozen=True):
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class PlanError(Exception):
    """A plan that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class LoadedPlan(Struct, frozen=True):
    path: Path
    plan: Plan
    hash: str


def load_plan(path: Path | str, *, cached: bool = False) -> LoadedPlan:
    """Read and validate the plan at `path`; raise PlanError listing every problem.

    `cached`: a plan whose very bytes this relboard validated before is read from the validated-plan cache
    instead (`validate` never asks for that). Every plan validated here is kept there for next time."""
    name = str(path)
    try:
        return _load(Path(path), name, cached)
    except PlanError:
        raise
    except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
        raise PlanError([_problem(name, 1, 1, f"cannot read this plan: {type(error).__name__}: {error}")]) from None


def _problem(file: str, line: int, col: int, message: str) -> Problem:
    # One problem is one line of output, and a plan's text must not drive the terminal.
    clean = _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04X}" if m.group() not in "\n\t\r" else " ", message)
    return Problem(file, max(1, line), max(1, col), clean.strip() or "invalid plan")


def _read(path: Path, name: str) -> bytes:
    try:
        if path.is_dir():
            raise PlanError([_problem(name, 1, 1, "is a folder, not a plan file")])
        return path.read_bytes()
    except FileNotFoundError:
        raise PlanError([_problem(name, 1, 1, "no such file")]) from None
    except PermissionError:
        raise PlanError([_problem(name, 1, 1, "cannot read this file: permission denied")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise PlanError([_problem(name, 1, 1, f"cannot read this file: {reason}")]) from None


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        col = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        byte = data[error.start]
        raise PlanError(
            [_problem(name, line, col, f"not UTF-8 text (byte 0x{byte:02x}); save the plan as UTF-8")]
        ) from None
    # Editors on some systems start files with a byte order mark; it is not part of the TOML.
    return text.removeprefix("\ufeff")


def _parse(text: str, name: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError([_syntax_problem(error, text, name)]) from None
    except RecursionError:
        raise PlanError([_problem(name, 1, 1, "invalid TOML: values are nested too deeply")]) from None
    except ValueError as error:
        # Python refuses to convert integers of thousands of digits; tomllib lets that through.
        reason = "a number has too many digits" if "digits" in str(error) else str(error)
        raise PlanError([_problem(name, 1, 1, f"invalid TOML: {reason}")]) from None


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, name: str) -> Problem:
    from relboard.store.toml_errors import decode_error_position

    line, col, message = decode_error_position(error, text)
    message = _TOML_KEY_TUPLE.sub(_dotted_key, message)
    message = message[:1].lower() + message[1:]
    return _problem(name, line, col, f"invalid TOML: {message}")


def _dotted_key(match: re.Match[str]) -> str:
    import ast

    from relboard.domain.plan_quote import format_path

    try:
        keys = ast.literal_eval(match.group())
    except (ValueError, SyntaxError):
        return match.group()
    if not isinstance(keys, tuple):
        return match.group()
    return "[" + format_path(keys) + "]"


def _load(path: Path, name: str, cached: bool) -> LoadedPlan:
    data = _read(path, name)
    plan_hash = sha256_hex(data)
    if cached:
        from relboard.store.plan_cache import read_cached_plan

        seen = read_cached_plan(plan_hash)
        if seen is not None:
            # These very bytes were decoded and validated before: the text is not needed again.
            return LoadedPlan(path=path, plan=share_owners(seen), hash=plan_hash)
    text = _decode(data, name)
    if not text.strip():
        raise PlanError(
            [
                _problem(
                    name,
                    1,
                    1,
                    "the file is empty: a plan starts with `schema = 1`, then [release], [window], "
                    "[[affected_users]], [[steps]] and [rollback] (`relboard new` writes a starter plan)",
                )
            ]
        )
    document = _parse(text, name)
    from pydantic import ValidationError

    from relboard.domain import plan_model
    from relboard.domain.placeholders import may_hold_placeholders, placeholder_problems
    from relboard.domain.plan_rules import check_plan

    try:
        model = plan_model.Plan.model_validate(document)
    except ValidationError as error:
        from relboard.domain.plan_messages import schema_messages

        _raise_positioned(schema_messages(error), text, name)
    found = [(problem.path, problem.message) for problem in check_plan(model)]
    if may_hold_placeholders(text):
        found += placeholder_problems(model)
    _raise_positioned(found, text, name)
    plan = plan_model.to_domain(model)
    from relboard.store.plan_cache import write_cached_plan

    write_cached_plan(plan_hash, plan)
    return LoadedPlan(path=path, plan=share_owners(plan), hash=plan_hash)


def _raise_positioned(found: list[tuple[tuple[str | int, ...], str]], text: str, name: str) -> None:
    if not found:
        return
    from relboard.store.toml_positions import key_positions, position_of

    positions = key_positions(text)
    problems = [_problem(name, *position_of(positions, loc), message) for loc, message in found]
    problems.sort(key=lambda problem: (problem.line, problem.col))
    raise PlanError(problems)
