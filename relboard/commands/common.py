"""What the commands share: argument helpers, dispatch, opening a window, printing data safely."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from relboard.domain.text import clean
from relboard.store.gc_pause import paused_gc

if TYPE_CHECKING:
    from relboard.window.session import WindowSession


class UsageError(Exception):
    """Bad usage or input: printed as is, exit 2."""


def add_state(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state", metavar="PATH", help="state journal (default: <plan stem>.state.toml next to the plan)"
    )


def add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", metavar="DATETIME", help="rehearse: the clock starts at this time (ISO 8601) and runs forward"
    )


@contextmanager
def loading_modules() -> Iterator[None]:
    """Import without the cycle collector, then set what was imported aside from its scans.

    Importing pydantic, building the plan's models and (for the board) Textual make a few hundred
    thousand objects that live as long as the process; the collector would walk them again and again
    for cyclic garbage that is not there (about a tenth of a headless command's start). Frozen, they
    are also left out of the board's later full collections. The collector is back on before any
    command does its work.
    """
    with paused_gc():
        try:
            yield
        finally:
            gc.freeze()


class _Command(Protocol):
    """A module of relboard.commands: `run(args)` gives the exit code."""

    def run(self, args: argparse.Namespace) -> int: ...


def run(command: str, args: argparse.Namespace) -> int:
    with loading_modules():
        # Imported by name so that a command loads only what it uses; every module has this shape.
        module = cast(_Command, importlib.import_module(f"relboard.commands.{command}_cmd"))
    return module.run(args)


def parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--now: {text!r} is not a date and time; write it like 2026-12-05T22:30:00+01:00") from None
    # A time without an offset means the engineer's own local time.
    return value if value.tzinfo else value.astimezone()


class _RehearsalTime:
    """The board's rehearsal clock for a command: its first reading is exactly the time given, so
    what the command prints from it reads as asked; later readings run forward at real speed."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._origin: float | None = None

    def __call__(self) -> datetime:
        import time

        tick = time.monotonic()
        if self._origin is None:
            self._origin = tick
        return self._start + timedelta(seconds=tick - self._origin)


def clock(text: str | None) -> Callable[[], datetime]:
    """`--now`: a clock that starts at that time and runs forward, as the board's rehearsal clock
    does, so a rehearsal's events carry rehearsal times; the real clock otherwise."""
    start = parse_now(text)
    if start is None:
        from relboard.domain.events import utc_now

        return utc_now
    return _RehearsalTime(start)


def operator(name: str | None) -> str:
    """Who is recorded: the name given, else the name the board remembers, else the login name."""
    if name:
        return name
    from relboard.store.preferences import load_operator_name

    remembered = load_operator_name()
    if remembered:
        return remembered
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def recording_operator(name: str | None) -> str:
    """`operator(name)` for a command about to record: warns on stderr when it is a shared account."""
    from relboard.domain.operators import shared_account_warning
    from relboard.store.paths import preferences_file

    who = operator(name)
    warning = shared_account_warning(who, where=str(preferences_file()))
    if warning:
        err(warning)
    return who


def plan_path(value: str | None) -> Path:
    if value:
        return Path(value)
    from relboard.store.paths import demo_plan

    return demo_plan()


def out(text: str) -> None:
    """Print data text: plan and state strings may carry terminal escapes; they never reach the tty."""
    sys.stdout.write(clean(text) + "\n")


def err(text: str) -> None:
    sys.stderr.write(clean(text) + "\n")


def open_session(plan: str | None, state: str | None) -> WindowSession:
    """Open the window or raise UsageError with the file's positioned problems."""
    from relboard.store.journal import StateError
    from relboard.store.plan_file import PlanError
    from relboard.window.session import WindowSession

    try:
        return WindowSession.open(plan_path(plan), state)
    except PlanError as error:
        raise UsageError(str(error)) from None
    except StateError as error:
        raise UsageError(str(error)) from None
