"""An exclusive flock on a lock file of its own, so that writers of one file take turns.

The lock lives on a separate file that is never replaced or truncated: a lock taken on the data file itself
would follow whichever inode it was opened on, and be lost when that file is replaced.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from relboard.store.files import open_private


class LockTimeout(TimeoutError):
    """Another process kept the lock for longer than the caller was willing to wait."""

    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__(f"{path}: still locked by another process after {timeout:g} s")
        self.path = path
        self.timeout = timeout


@contextmanager
def locked(lock_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created if needed) for the `with` block.

    With a timeout, the lock is polled so that a hung holder turns into LockTimeout instead of a frozen
    caller; without one, it waits as long as it takes.
    """
    fd = open_private(Path(lock_path), os.O_RDWR)
    try:
        if timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            _acquire_polling(fd, Path(lock_path), timeout)
        yield
    finally:
        # Closing the only descriptor releases the flock.
        os.close(fd)


def _acquire_polling(fd: int, path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(path, timeout) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
