"""Files relboard creates: private by default, and whole files written atomically.

Window state holds notes and decisions, so every file relboard creates (state, lock, cache, report,
damaged-bytes copies) is the owner's alone (0600), like shell history. In a folder with the setgid bit
(a team's shared folder, whose files take the folder's group) the group may read and write them too
(0660). A file that already exists keeps the mode its owner gave it.

An atomic write goes through a temporary file beside the target, created exclusively, without following
a symlink, under a name nobody can guess; it is written, flushed to disk, moved into place, and the
folder is flushed so that the move itself survives a crash. A reader sees the old file or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

_PRIVATE = 0o600
_GROUP_SHARED = 0o660
_NEW_FILE = os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def private_mode(folder: Path) -> int:
    """The mode for a new file in `folder`: 0600, or 0660 in a setgid (group-shared) folder."""
    try:
        shared = bool(os.stat(folder).st_mode & stat.S_ISGID)
    except OSError:
        shared = False
    return _GROUP_SHARED if shared else _PRIVATE


def create_private(path: Path, access: int = os.O_WRONLY) -> int:
    """Create `path`, which must not exist, with the private mode; returns the descriptor open for `access`.

    The mode is set with fchmod as well: the umask may only take bits away, and a team folder's
    group write bit is the point of the folder."""
    mode = private_mode(folder_of(path))
    fd = os.open(path, _NEW_FILE | access, mode)
    try:
        os.fchmod(fd, mode)
    except OSError:
        os.close(fd)
        raise
    return fd


def open_private(path: Path, access: int) -> int:
    """Open `path` for `access`, creating it with the private mode when it is missing (lock files)."""
    try:
        return os.open(path, access | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        pass
    try:
        return create_private(path, access)
    except FileExistsError:
        # Another process created it between the two calls: use theirs.
        return os.open(path, access | os.O_NOFOLLOW | os.O_CLOEXEC)


def make_folder(folder: Path) -> None:
    """Create `folder` (and its parents) when missing: the owner's alone, or the group's too below a
    setgid folder (whose group and setgid bit the new folder takes)."""
    if folder.is_dir():
        return
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    mode = 0o770 if private_mode(parent) == _GROUP_SHARED else 0o700
    folder.mkdir(mode=mode, parents=True, exist_ok=True)


def cannot_write(path: Path) -> str | None:
    """Why `path` (a file, or a folder to create files in) cannot be written, found without writing; None
    when it can."""
    if os.path.isdir(path):
        # A folder cannot be opened for writing; access() asks the kernel the same question, read-only
        # mounts and immutable folders included.
        if os.access(path, os.W_OK | os.X_OK):
            return None
        try:
            read_only = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
        except OSError:
            read_only = False
        return os.strerror(errno.EROFS if read_only else errno.EACCES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    return None


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet (FileExistsError otherwise), durably, with the private mode."""
    fd = create_private(path)
    try:
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)
    fsync_folder(folder_of(path))


def write_atomically(target: Path, data: bytes, *, replace: bool = True) -> None:
    """Put `data` at `target` all at once: a temporary file beside it, fsync, rename, fsync the folder.

    A new file gets the private mode; a file being replaced keeps its mode. With `replace=False` an
    existing target is left alone and FileExistsError raised (a file that appeared meanwhile wins)."""
    target = Path(target)
    folder = folder_of(target)
    mode: int | None = None
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(target).st_mode)
    temp = folder / f".{target.name}.{os.urandom(8).hex()}.tmp"
    fd = create_private(temp)
    try:
        try:
            if mode is not None and replace:
                os.fchmod(fd, mode)
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(temp, target)
        else:
            os.link(temp, target)
            os.unlink(temp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_folder(folder)
