"""The writer id of a state file on this machine.

A writer is one journal on one machine: the machine's id (or its name) and the state file's full path,
hashed. It is stable across runs without a file of its own to keep, different for two laptops (or two
state folders on one machine, as in the tests), and the same for every process sharing one journal,
which is right: they take turns through the journal's lock and read each other's events before writing.
It names no person and no path (people are in `by`).
"""

from __future__ import annotations

import os
import platform
from functools import cache
from pathlib import Path

from relboard.domain.digests import sha256_digest

_MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


@cache
def _machine() -> str:
    for name in _MACHINE_ID_FILES:
        try:
            text = Path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    return platform.node()


def writer_for(state_path: Path) -> str:
    """Twelve lowercase base32 characters naming this machine's writer of `state_path`."""
    digest = sha256_digest(f"{_machine()}\0{os.path.abspath(state_path)}".encode())
    value = int.from_bytes(digest[:8], "big")
    return "".join(_ALPHABET[(value >> (5 * i)) & 31] for i in range(12))
