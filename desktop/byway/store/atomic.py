"""Crash-safe file replacement: a reader sees the old file or the new one, never a torn mix.

The recipe is the classic one: write a temporary file in the *same* directory (so the rename stays
on one file system), fsync it, ``os.replace`` it over the target, then fsync the directory so the
rename itself survives a power cut. Any ``OSError`` becomes :class:`StorageUnavailable`, and the
old file is left untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from byway.i18n import translate
from byway.store.errors import StorageUnavailable


def describe_os_error(error: OSError) -> str:
    """Plain words for the few ways a disk refuses a write."""
    if error.errno == errno.EROFS:
        return translate("Store", "the drive is read-only")
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return translate("Store", "the folder is gone")
    if error.errno in (errno.EACCES, errno.EPERM):
        return translate("Store", "permission was refused")
    if error.errno == errno.ENOSPC:
        return translate("Store", "the drive is full")
    return error.strerror or str(error)


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open directories; its rename is durable enough there.
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the file is private to the user (0o600).

    Raises :class:`StorageUnavailable` if the directory cannot be written; the previous contents of
    ``path`` are then unchanged.
    """
    directory = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise StorageUnavailable(path, describe_os_error(error)) from error
    temp_path = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temp_path.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise StorageUnavailable(path, describe_os_error(error)) from error
    fsync_directory(directory)
