"""`relboard serve`: the board in a browser, one board process per viewer, through textual-serve.

Viewers watch read-only unless the server was started with --allow-write: every browser tab runs its own
`relboard PLAN --state STATE --read-only`, and a read-only board refuses to record anything.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from relboard.commands.common import UsageError, err, open_session
from relboard.commands.hub_option import pull_before_read
from relboard.hub.address import HUB_ENV

if TYPE_CHECKING:
    from textual_serve.server import Server

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def board_command(plan: Path, state: Path, *, allow_write: bool = False, python: str | None = None) -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [python or sys.executable, "-m", "relboard", str(plan), "--state", str(state)]
    argv.append("--ask-operator" if allow_write else "--read-only")
    # textual-serve runs it through the shell: paths with spaces or quotes must stay one word.
    return shlex.join(argv)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def wide_bind_warning(host: str, allow_write: bool) -> str:
    who = "anyone who can reach it"
    if allow_write:
        return f"warning: serving on {host}: {who} can watch the window and change it (--allow-write)."
    return f"warning: serving on {host}: {who} can watch the window (read-only)."


def public_host(host: str) -> str:
    """The host as written in a URL: an IPv6 address goes in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port: {args.port} is not a port number (1 to 65535)")
    # A bad plan or state is reported now, not in every viewer's browser tab.
    session = open_session(args.plan, args.state)
    pull_before_read(session, args)
    if args.hub:
        # Each viewer's board finds the hub here, not on its command line, where `ps` would show a password.
        os.environ[HUB_ENV] = args.hub
    plan = session.loaded.path.resolve()
    state = session.state_path.resolve()
    command = board_command(plan, state, allow_write=args.allow_write)

    if not is_loopback(args.host):
        err(wide_bind_warning(args.host, args.allow_write))

    server = _make_server(command, args.host, args.port, f"relboard · {session.plan.release.title}")
    mode = "read-write" if args.allow_write else "read-only"
    err(
        f"Serving {session.plan.release.title} ({mode}) on http://{public_host(args.host)}:{args.port}/  (Ctrl+C stops)"
    )
    try:
        server.serve()
    except OSError as error:
        # Port taken, an address this machine does not have, a port below 1024 without the right.
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    return 0


def _make_server(command: str, host: str, port: int, title: str) -> Server:
    from aiohttp import web
    from textual_serve.server import Server

    loopback = is_loopback(host)

    class BoardServer(Server):
        """textual-serve with two guards it lacks: same-origin websockets and, on loopback, local names only."""

        def _refused(self, request: web.Request) -> str | None:
            name = (request.url.host or "").lower()
            if loopback and not is_loopback(name):
                # A page served under another name that resolves here (DNS rebinding).
                return f"host {name!r} is not a loopback name"
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                # Another site's page in the viewer's browser may not drive the board.
                return "cross-origin request"
            return None

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            reason = self._refused(request)
            if reason:
                raise web.HTTPForbidden(text=reason)
            # The page's websocket address follows the address the viewer used, so a wide bind works
            # from other machines. The handler reads it before its first await: no other request interleaves.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            reason = self._refused(request)
            if reason:
                raise web.HTTPForbidden(text=reason)
            return await super().handle_websocket(request)

    return BoardServer(command, host=host, port=port, title=title)
