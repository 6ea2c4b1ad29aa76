"""Approvals of a plan's command checks: asked once per plan hash, remembered in the user's data folder.

The approval is the operator's own (a colleague's approval on another laptop does not run commands
here), so it is kept per user, not in the window's state; the state records it as an event for the
timeline and the report. An edited plan has another hash and another digest, and asks again.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from relboard import paths
from relboard.domain.commands import PlanCommand, approval_digest, approval_lines, plan_commands
from relboard.domain.events import CommandsApproved, utc_now
from relboard.store.files import write_atomically
from relboard.store.session import WindowSession

_MAX_REMEMBERED = 500  # oldest approvals are forgotten first; a plan asked again costs one key


def approvals_file() -> Path:
    return paths.data_dir() / "approvals.toml"


def _read(file: Path) -> list[dict[str, Any]]:
    # Nothing readable remembered means: ask again. Never a reason to stop.
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    entries = document.get("approval", [])
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


@dataclass
class CommandApproval:
    """What a board or a command asks before running a plan's command checks.

    `commands` is the exact list to show (one line per check: step, folder, argv); `needed` says
    whether this user must still approve it; `approve` remembers the approval and records it.
    """

    session: WindowSession
    file: Path

    @classmethod
    def of(cls, session: WindowSession, file: Path | None = None) -> CommandApproval:
        return cls(session, file or approvals_file())

    @property
    def plan_commands(self) -> list[PlanCommand]:
        return plan_commands(self.session.plan, str(self.session.loaded.path.parent.resolve()))

    @property
    def commands(self) -> list[str]:
        return approval_lines(self.plan_commands)

    @property
    def digest(self) -> str:
        return approval_digest(self.session.loaded.hash, self.commands)

    @property
    def remembered(self) -> bool:
        digest = self.digest
        return any(e.get("digest") == digest for e in _read(self.file))

    @property
    def needed(self) -> bool:
        return bool(self.commands) and not self.remembered

    def event(self, by: str, at: datetime | None = None) -> CommandsApproved:
        return CommandsApproved(
            at=at or utc_now(), by=by, plan_hash=self.session.loaded.hash, digest=self.digest, commands=self.commands
        )

    def remember(self, event: CommandsApproved) -> None:
        """Keep the approval for this user (raises OSError when the data folder cannot be written)."""
        entries = [e for e in _read(self.file) if e.get("digest") != event.digest]
        entries.append(
            {
                "plan": str(self.session.loaded.path.resolve()),
                "plan_hash": event.plan_hash,
                "digest": event.digest,
                "by": event.by,
                "at": event.at,
            }
        )
        self.file.parent.mkdir(parents=True, exist_ok=True)
        header = b"# relboard: command checks this user approved, by plan hash; delete an entry to be asked again\n"
        write_atomically(self.file, header + tomli_w.dumps({"approval": entries[-_MAX_REMEMBERED:]}).encode())

    def approve(self, by: str, at: datetime | None = None, *, remember: bool = True) -> CommandsApproved:
        """Record the approval as an event (durably) and, unless told otherwise, remember it for this user."""
        event = self.event(by, at)
        if remember:
            self.remember(event)
        self.session.record(event)
        return event
