"""Approvals of a plan's command checks, remembered per user in relboard's data folder.

The approval is the operator's own (a colleague's approval on another laptop does not run commands
here), so it is kept per user, not in the window's state; the state records it as an event for the
timeline and the report. It is keyed by the digest of the plan's hash and its command list: an
edited plan, or the same plan in another folder, asks again.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from relboard.domain.events import CommandsApproved
from relboard.store import paths
from relboard.store.files import write_atomically

_MAX_REMEMBERED = 500  # oldest approvals are forgotten first; a plan asked again costs one key


def approvals_file() -> Path:
    return paths.data_dir() / "approvals.toml"


class ApprovalStore:
    def __init__(self, file: Path | None = None) -> None:
        self.file = file or approvals_file()

    def _read(self) -> list[dict[str, Any]]:
        # Nothing readable remembered means: ask again. Never a reason to stop.
        try:
            document = tomllib.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return []
        entries = document.get("approval", [])
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []

    def remembered(self, digest: str) -> bool:
        return any(entry.get("digest") == digest for entry in self._read())

    def remember(self, plan_path: Path, event: CommandsApproved) -> None:
        """Keep the approval for this user (raises OSError when the data folder cannot be written)."""
        entries = [e for e in self._read() if e.get("digest") != event.digest]
        entries.append(
            {
                "plan": str(Path(plan_path).resolve()),
                "plan_hash": event.plan_hash,
                "digest": event.digest,
                "by": event.by,
                "at": event.at,
            }
        )
        self.file.parent.mkdir(parents=True, exist_ok=True)
        header = b"# relboard: command checks this user approved, by plan hash; delete an entry to be asked again\n"
        write_atomically(self.file, header + tomli_w.dumps({"approval": entries[-_MAX_REMEMBERED:]}).encode())
