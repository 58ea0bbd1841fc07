"""Enter the lab's client namespace from inside the test process (Linux ``setns``).

Only the calling thread moves; threads and processes it creates afterwards (asyncio's default
executor, stem's threads, tor and its transports) start inside too. So a test can drive Byway's
connector in-process while every packet tor sends goes through the lab's censor.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
INSIDE = "byway-lab-inside"


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


@contextmanager
def inside_lab(namespace: str = INSIDE) -> Iterator[None]:
    """Run the body (in this thread) inside ``namespace``; come back out afterwards."""
    original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        _setns(target)
        try:
            yield
        finally:
            _setns(original)
    finally:
        os.close(target)
        os.close(original)
