"""Whole files written atomically: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def _new_file_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        # mkstemp creates 0600; a report is meant to be shared like any file the user writes.
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then move it into place."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _new_file_mode(target))
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
