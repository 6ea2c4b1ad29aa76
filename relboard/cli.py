"""The command line: `relboard [PLAN]` opens the board; subcommands work without Textual.

Exit codes everywhere: 0 success, 1 the operation ran but found a failure, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from relboard import __version__
from relboard.commands import common
from relboard.commands.hub_option import add_hub


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage already; keep its message short and on stderr."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise common.UsageError(f"{self.prog}: {message}")


# argparse names the type of add_subparsers' result only privately; typeshed knows it by that name.
if TYPE_CHECKING:
    _Subparsers = argparse._SubParsersAction[_Parser]


def _board_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="relboard",
        description="Open the maintenance window board. Commands: "
        + ", ".join(SUBCOMMANDS)
        + " (relboard COMMAND --help).",
    )
    parser.add_argument("plan", nargs="?", help="plan file (default: the bundled demo plan)")
    common.add_state(parser)
    common.add_now(parser)
    parser.add_argument("--theme", help="theme name (remembered for next time)")
    parser.add_argument(
        "--operator", help="your name as recorded in events (default: the remembered name, else your login)"
    )
    parser.add_argument("--read-only", action="store_true", help="watch the window without recording anything")
    parser.add_argument("--utc", action="store_true", help="show every time in UTC (default: the window's zone)")
    parser.add_argument(
        "--quiet", action="store_true", help="no terminal bell at the deadline warning, deadline or a trip"
    )
    # `relboard serve` gives this to every browser viewer who may record: each says who they are, and
    # none of them is remembered as the server user's name.
    parser.add_argument("--ask-operator", action="store_true", help=argparse.SUPPRESS)
    add_hub(parser)
    parser.add_argument("--version", action="version", version=f"relboard {__version__}")
    return parser


def _validate(sub: _Subparsers) -> None:
    p = sub.add_parser("validate", help="check plans; one FILE:LINE:COL: message line per problem")
    p.add_argument("plans", nargs="+", metavar="PLAN")


def _schema(sub: _Subparsers) -> None:
    sub.add_parser("schema", help="print the plan's JSON Schema (Draft 2020-12)")


def _new(sub: _Subparsers) -> None:
    p = sub.add_parser("new", help="write a starter plan for a change category")
    p.add_argument(
        "--category",
        required=True,
        help="platform-release, module-update, connector-change, certificate-change, api-scope-change",
    )
    p.add_argument("--out", help="file to write (refuses to overwrite); default: standard output")


def _status(sub: _Subparsers) -> None:
    p = sub.add_parser("status", help="text summary of the window (--json for scripts)")
    p.add_argument("plan", nargs="?")
    common.add_state(p)
    common.add_now(p)
    p.add_argument("--json", action="store_true", help="the folded state as JSON")
    add_hub(p)
    p.add_argument("--utc", action="store_true", help="every time in UTC (default: the window's zone)")


def _mark(sub: _Subparsers) -> None:
    p = sub.add_parser("mark", help="record a step result, e.g. from a deploy script")
    p.add_argument("plan")
    p.add_argument("step")
    p.add_argument("status", help="pending, pass, fail, skip or blocked; or started (work on the step began)")
    p.add_argument("--note", default="")
    p.add_argument("--by", default=None, help="who (default: the name the board remembers, else your login)")
    common.add_state(p)
    common.add_now(p)
    add_hub(p)


def _handover(sub: _Subparsers) -> None:
    p = sub.add_parser("handover", help="hand the window to the next engineer: print the summary, record it")
    p.add_argument("plan")
    p.add_argument("--to", required=True, metavar="NAME", help="the incoming engineer")
    p.add_argument(
        "--by", default=None, metavar="NAME", help="the outgoing engineer (default: remembered name, else your login)"
    )
    common.add_state(p)
    common.add_now(p)
    add_hub(p)


def _lookup(sub: _Subparsers) -> None:
    p = sub.add_parser("lookup", help="rank troubleshooting symptoms for a query")
    p.add_argument("words", nargs="+", metavar="[PLAN] QUERY")
    p.add_argument("--limit", type=int, default=5)


def _probe(sub: _Subparsers) -> None:
    p = sub.add_parser("probe", help="run the plan's probes; one line per probe as it finishes")
    p.add_argument("plan")
    common.add_state(p)
    p.add_argument("--step", action="append", default=[], metavar="ID", help="only this step's probe (repeatable)")
    p.add_argument("--concurrency", type=int, help="probes running at once (default 4)")
    p.add_argument("--by", default=None, help="who (default: the name the board remembers, else your login)")
    common.add_now(p)
    p.add_argument(
        "--allow-commands", action="store_true", help="run the plan's command checks (without it they are not run)"
    )
    p.add_argument("--show-output", action="store_true", help="print command checks' output as it comes")
    add_hub(p)


def _notice(sub: _Subparsers) -> None:
    p = sub.add_parser("notice", help="print a notice draft, or send it to the plan's channels")
    p.add_argument("kind", choices=("before", "after", "decision"))
    p.add_argument("plan")
    common.add_state(p)
    common.add_now(p)
    p.add_argument(
        "--send",
        action="store_true",
        help="send it to every channel the plan configures: webhook, status page, PagerDuty maintenance/incident",
    )
    p.add_argument(
        "--to",
        action="append",
        default=[],
        choices=("webhook", "statuspage", "pagerduty"),
        help="with --send: only this channel (repeatable)",
    )
    p.add_argument(
        "--yes", action="store_true", help="send an after notice drafted before the window is over without asking"
    )
    p.add_argument("--by", default=None, help="who (default: the name the board remembers, else your login)")
    p.add_argument("--attempts", type=int, default=4, help=argparse.SUPPRESS)
    p.add_argument("--backoff", type=float, default=0.5, help=argparse.SUPPRESS)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each channel per attempt")
    add_hub(p)


def _page(sub: _Subparsers) -> None:
    p = sub.add_parser("page", help="page the escalation path through PagerDuty (Events API v2)")
    p.add_argument("plan")
    common.add_state(p)
    common.add_now(p)
    p.add_argument("--summary", help="what the page says (default: the tripped criteria and decision, drafted)")
    p.add_argument("--by", default=None, help="who (default: your login)")
    p.add_argument("--attempts", type=int, default=4, help=argparse.SUPPRESS)
    p.add_argument("--backoff", type=float, default=0.5, help=argparse.SUPPRESS)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for PagerDuty per attempt")
    add_hub(p)


def _calendar(sub: _Subparsers) -> None:
    p = sub.add_parser("calendar", help="an iCalendar (.ics) file for the window, to import or attach")
    p.add_argument("plan")
    p.add_argument("--out", metavar="FILE", help="file to write (replaced atomically); default: standard output")


def _report(sub: _Subparsers) -> None:
    p = sub.add_parser("report", help="the post-change report: Markdown, or self-contained HTML")
    p.add_argument("plan")
    common.add_state(p)
    p.add_argument("--format", choices=("md", "html"), default="md", help="md (default) or html")
    p.add_argument("--out", metavar="FILE", help="file to write (replaced atomically); default: standard output")
    add_hub(p)
    p.add_argument("--utc", action="store_true", help="every time in UTC (default: the window's zone)")


def _serve(sub: _Subparsers) -> None:
    p = sub.add_parser("serve", help="serve the board to browsers (read-only unless --allow-write)")
    p.add_argument("plan", nargs="?", help="plan file (default: the bundled demo plan)")
    common.add_state(p)
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; any other prints a warning)"
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--allow-write", action="store_true", help="let viewers record changes (default: they only watch)")
    add_hub(p)


def _sync(sub: _Subparsers) -> None:
    p = sub.add_parser("sync", help="publish the window's unsent events to the hub and pull the missing ones")
    p.add_argument("plan")
    common.add_state(p)
    add_hub(p)


def _join(sub: _Subparsers) -> None:
    p = sub.add_parser("join", help="fetch a window's plan and events from the hub into a folder")
    p.add_argument("window", help="the window's name on the hub (relboard fleet lists them)")
    add_hub(p)
    p.add_argument("--dir", default=".", help="folder for the plan and state files (default: here)")


def _fleet(sub: _Subparsers) -> None:
    p = sub.add_parser("fleet", help="every window on the hub: clock, progress, decisions, who is on it")
    add_hub(p)
    p.add_argument("--json", action="store_true", help="the rows as JSON")


def _state(sub: _Subparsers) -> None:
    p = sub.add_parser("state", help="check a damaged state file, or repair it keeping every intact event")
    actions = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    check = actions.add_parser("check", help="one FILE:LINE:COL: line per damaged block, then a summary")
    check.add_argument("plan")
    common.add_state(check)
    repair = actions.add_parser("repair", help="copy the damaged bytes aside and keep every intact event")
    repair.add_argument("plan")
    common.add_state(repair)
    repair.add_argument("--by", default=None, help="who (default: your login)")


_SUBCOMMAND_PARSERS = {
    "validate": _validate,
    "schema": _schema,
    "new": _new,
    "status": _status,
    "mark": _mark,
    "handover": _handover,
    "lookup": _lookup,
    "probe": _probe,
    "notice": _notice,
    "page": _page,
    "calendar": _calendar,
    "report": _report,
    "serve": _serve,
    "state": _state,
    "sync": _sync,
    "join": _join,
    "fleet": _fleet,
}
SUBCOMMANDS = tuple(_SUBCOMMAND_PARSERS)


def _command_parser(command: str) -> argparse.ArgumentParser:
    """A parser that knows only `command`: the word is already known to be a subcommand, so the
    other nine parsers would never be used, and building them is a few milliseconds of every start."""
    parser = _Parser(prog="relboard")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _SUBCOMMAND_PARSERS[command](sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        common.check_arguments(args_list)
        if args_list and args_list[0] in SUBCOMMANDS:
            args = _command_parser(args_list[0]).parse_args(args_list)
            return common.run(args.command, args)
        args = _board_parser().parse_args(args_list)
        return common.run("board", args)
    except common.UsageError as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `relboard lookup ... | head`: the reader left; stop quietly, and keep Python's exit-time
        # flush from complaining on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        # Last, after BrokenPipeError (an OSError). A state file that turns out unreadable after it was opened
        # (a writer folds the parts of the window it looks at while it works) stops the command with its
        # positioned message, as at the open. Imported here: every command would pay for it.
        from relboard.store.journal_format import StateError

        if not isinstance(error, StateError):
            raise
        print(str(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
