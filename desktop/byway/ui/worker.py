"""The core's asyncio loop on its own thread, reporting to the window through queued Qt signals.

The GUI thread only ever *schedules* work (``call_soon_threadsafe``) and receives signals; it never
waits on a future, the network, a process or a lock. A :class:`Job` is created on the GUI thread, so
its signals, emitted from the loop thread, reach GUI-thread slots as queued connections.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures

T = TypeVar("T")


class Job(QObject):
    """One coroutine on the worker loop. Exactly one of ``succeeded``, ``failed`` or ``cancelled``
    is emitted at the end; ``progress`` carries the core's callbacks while it runs."""

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._future: concurrent.futures.Future[Any] | None = None
        self._cancel_asked = False
        self.finished = False

    def report(self, value: object) -> None:
        """Called on the loop thread by the core's progress callbacks."""
        self.progress.emit(value)

    def cancel(self) -> None:
        """Ask the coroutine to stop; returns at once. ``cancelled`` follows when it has stopped."""
        self._cancel_asked = True
        if self._future is not None:
            self._future.cancel()

    def _done(self, future: concurrent.futures.Future[Any]) -> None:
        import asyncio

        self.finished = True
        if future.cancelled():
            self.cancelled.emit()
            return
        error = future.exception()
        if error is None:
            self.succeeded.emit(future.result())
        elif isinstance(error, asyncio.CancelledError):
            self.cancelled.emit()
        else:
            self.failed.emit(error)


class _LoopThread(QThread):
    """Imports asyncio and makes the loop *on its own thread*, so the first window does not wait
    for them; ``ready`` carries the loop to the GUI thread (queued), which then submits the jobs
    asked for in the meantime."""

    ready = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("byway-core")
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_asked = threading.Event()

    def run(self) -> None:
        import asyncio

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        self.ready.emit(loop)
        try:
            if not self.stop_asked.is_set():
                loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()


class CoreWorker(QObject):
    """Owns the loop thread. ``start_job`` schedules a coroutine and returns its :class:`Job`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queued: list[tuple[Job, Callable[[Job], Awaitable[Any]]]] = []
        self._thread = _LoopThread()
        self._thread.ready.connect(self._loop_ready)
        self._jobs: set[Job] = set()
        self._stopped = False

    def _loop_ready(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        queued, self._queued = self._queued, []
        for job, make in queued:
            self._submit(job, make)

    def start_job(
        self,
        make: Callable[[Job], Awaitable[Any]],
        *,
        progress: Callable[[Any], None] | None = None,
        succeeded: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> Job:
        """``make(job)`` builds the coroutine (on the loop thread); it may call ``job.report``.

        The slots are connected before the coroutine is scheduled, so no signal can be missed.
        Jobs started before the loop exists (the first few milliseconds) wait for it.
        """
        job = Job(self)
        if self._stopped or (self._loop is not None and self._loop.is_closed()):
            job.finished = True  # the app is closing: nothing more is started
            return job
        self._jobs.add(job)
        if progress is not None:
            job.progress.connect(progress)
        if succeeded is not None:
            job.succeeded.connect(succeeded)
        if failed is not None:
            job.failed.connect(failed)
        job.succeeded.connect(lambda _: self._jobs.discard(job))
        job.failed.connect(lambda _: self._jobs.discard(job))
        job.cancelled.connect(lambda: self._jobs.discard(job))
        if self._loop is None:
            self._queued.append((job, make))
            if not self._thread.isRunning():
                self._thread.start()  # on the first job: nothing competes with the first window
        else:
            self._submit(job, make)
        return job

    def _submit(self, job: Job, make: Callable[[Job], Awaitable[Any]]) -> None:
        import asyncio

        assert self._loop is not None
        if job._cancel_asked:
            job.finished = True
            job.cancelled.emit()
            return

        async def run() -> Any:
            return await make(job)

        future = asyncio.run_coroutine_threadsafe(run(), self._loop)
        job._future = future
        future.add_done_callback(job._done)

    def run_blocking(
        self,
        function: Callable[[], T],
        succeeded: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> Job:
        """Run a blocking function (file or keyring I/O) off the GUI thread."""

        async def run(_: Job) -> T:
            import asyncio

            return await asyncio.to_thread(function)

        return self.start_job(run, succeeded=succeeded, failed=failed)

    def stop(self, timeout_ms: int = 3000) -> None:
        """Cancel what runs and end the thread (at exit only: this is the one wait we allow)."""
        self._stopped = True
        if not self._thread.isRunning():
            return
        for job in list(self._jobs):
            job.cancel()
        self._thread.stop_asked.set()
        loop = self._thread.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        self._thread.wait(timeout_ms)
