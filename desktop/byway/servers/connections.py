"""What every lab server does with its connections: one task each, ended on close, reset on demand.

asyncio's ``Server.close`` (3.11) stops accepting but leaves accepted connections running, and a censor
leaves half-open connections behind, so each server keeps its connection tasks here and cancels them
when it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Coroutine
from typing import Any

_LINGER_ZERO = struct.pack("ii", 1, 0)


class ConnectionTasks:
    """The live per-connection tasks of one server."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._track(task)
        return task

    def adopt_current(self) -> None:
        """Track the running task (the one ``asyncio.start_server`` made for a connection)."""
        task = asyncio.current_task()
        if task is not None:
            self._track(task)

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def cancel_all(self) -> None:
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def reset_socket(sock: socket.socket) -> None:
    """Close with a TCP RST instead of a FIN: SO_LINGER on with a zero timeout, then close."""
    with contextlib.suppress(OSError):  # already dead: closing is all that is left
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
    sock.close()


def reset_stream(writer: asyncio.StreamWriter) -> None:
    """:func:`reset_socket` for an asyncio stream: linger 0, then abort the transport (no FIN)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
    writer.transport.abort()
