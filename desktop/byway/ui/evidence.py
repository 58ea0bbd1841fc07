"""The evidence behind the advice (pre-checks and Moat), gathered on the worker as soon as a
diagnosis ends, while the person reads the results: when they ask for advice it is often in.

One gathering at a time; a newer one (another diagnosis, another network) makes the older one's
answer irrelevant, and it is dropped when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from byway.ui.ports import AdviceRequest, Collaborators
from byway.ui.worker import CoreWorker, Job

if TYPE_CHECKING:
    from byway.analyze.analysis import Analysis
    from byway.ui import flow
    from byway.ui.preferences import Preferences

    Result = flow.Gathered | BaseException


class EvidenceGatherer:
    def __init__(self, worker: CoreWorker, prefs: Preferences, arrived: Callable[[Result], None]) -> None:
        self.worker = worker
        self.prefs = prefs
        self.arrived = arrived  # called on the GUI thread with the evidence (or why there is none)
        self.job: Job | None = None
        self.result: Result | None = None
        self.analysis: Analysis | None = None
        self.token: object = None

    def start(self, collaborators: Collaborators, analysis: Analysis | None) -> None:
        """Start gathering for ``analysis`` (``None``: advice without a test)."""
        if collaborators.loading or collaborators.advisor is None:
            return
        scenario = collaborators.demo
        request = AdviceRequest(
            analysis=analysis,
            country=scenario.country if scenario is not None else self.prefs.settings.country,
        )
        from byway.ui import flow  # loaded with the first job, not before the first window

        self.cancel()
        self.analysis = analysis
        token = self.token = object()
        prefs = self.prefs
        self.job = self.worker.start_job(
            lambda j: flow.gather(collaborators, request, prefs, j.report),
            succeeded=lambda gathered: self._in(token, gathered),
            failed=lambda error: self._in(token, error),
        )

    def started_for(self, analysis: Analysis | None) -> bool:
        return self.job is not None and self.analysis is analysis

    def cancel(self) -> None:
        """Stop the current gathering and forget what was gathered."""
        if self.job is not None and not self.job.finished:
            self.job.cancel()
        self.job = self.result = self.analysis = None
        self.token = None

    def _in(self, token: object, result: Result) -> None:
        if token is not self.token:
            return  # evidence for an earlier diagnosis or network
        self.result = result
        self.arrived(result)
