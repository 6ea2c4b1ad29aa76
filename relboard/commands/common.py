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
        login = getpass.getuser()
    except (KeyError, OSError):
        return "operator"
    if not saveable(login):
        raise UsageError(
            f"relboard: your login name {login!a} cannot be saved as text (it is not valid UTF-8);"
            " pass your name with --by NAME (--operator NAME for the board)"
        )
    return login


def saveable(text: str) -> bool:
    """Text that can be written as UTF-8: not a byte sequence the system decoded with surrogate escapes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_arguments(argv: list[str]) -> None:
    """Every argument must be text relboard can save and show: refuse the others at the edge, before
    anything is opened."""
    for number, arg in enumerate(argv, start=1):
        if not saveable(arg):
            shown = repr(arg.encode("utf-8", "surrogateescape")[:60])[2:-1]
            raise UsageError(f"relboard: argument {number} ('{shown}') is not valid UTF-8 text; pass it as UTF-8")


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


def state_file(plan: str | None, state: str | None) -> Path:
    """The state file a command works on, without reading the plan (state check and repair)."""
    if state:
        return Path(state)
    path = plan_path(plan)
    if not path.is_file():
        raise UsageError(f"{path}:1:1: no such plan file; pass the plan, or --state PATH")
    from relboard.store.locations import default_state_path

    return default_state_path(path)


def state_commands(plan: str | None, state: str | None) -> tuple[str, str]:
    """`relboard state check ...` and `relboard state repair ...` for this plan and state, to copy and run."""
    import shlex

    where = shlex.quote(str(plan_path(plan))) + (f" --state {shlex.quote(state)}" if state else "")
    return f"relboard state check {where}", f"relboard state repair {where}"


def open_session(plan: str | None, state: str | None, *, reading: bool = False) -> WindowSession:
    """Open the window or raise UsageError with the file's positioned problems.

    `reading`: a command that only reads opens a damaged state from its intact events and says on stderr
    that it is damaged and how to repair it; a writing command is refused with that advice. A writing
    command folds only the parts of the window its rules look at (a long window's `mark` stays quick)."""
    from relboard.store.journal import JournalDamaged, StateError
    from relboard.store.plan_file import PlanError
    from relboard.window.salvage import open_window

    try:
        session = open_window(plan_path(plan), state, salvage=reading, lazy=not reading)
    except PlanError as error:
        raise UsageError(str(error)) from None
    except JournalDamaged as error:
        advised = error.advised(*state_commands(plan, state))
        raise UsageError(f"{error.path}:{error.line}:{error.col}: {advised}") from None
    except StateError as error:
        raise UsageError(str(error)) from None
    damage = session.journal.damage
    if damage is not None:
        check, repair = state_commands(plan, state)
        err(
            f"warning: {session.state_path} is damaged ({damage.summary()}); this shows its intact events."
            f" `{check}` lists the damage, and `{repair}` copies it aside and keeps every intact event"
        )
    return session


def require_writable(session: WindowSession) -> None:
    """Refuse, before anything is done, a command that would record into a state file it cannot write."""
    reason = session.journal.unwritable_reason()
    if reason is not None:
        raise UsageError(f"{session.state_path}:1:1: cannot record here: {reason}; nothing was written")
