"""Pacing against residual censorship.

Some censors (the Great Firewall is documented) keep blocking the (client, server IP, server port)
3-tuple for about 90 s after a trigger. A diagnosis that probes the same tuple again inside that
window measures its own earlier probe, not the site. Byway runs its control handshakes (benign name)
before the suspected trigger, randomises the order of targets, and refuses to touch a tuple again
within the window after a suspected trigger.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from byway.measure.observations import Endpoint

DEFAULT_RESIDUAL_WINDOW_S = 90.0


class Pacing:
    """Remembers which endpoints a probe may have triggered, and until when to leave them alone."""

    def __init__(
        self, window_s: float = DEFAULT_RESIDUAL_WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._quiet_until: dict[Endpoint, float] = {}

    def suspect_trigger(self, endpoint: Endpoint) -> None:
        """A probe to ``endpoint`` failed in a way a censor's trigger would cause."""
        if self.window_s > 0:
            self._quiet_until[endpoint] = self._clock() + self.window_s

    def may_probe(self, endpoint: Endpoint) -> bool:
        """False while ``endpoint`` is inside the window after a suspected trigger.

        >>> now = [0.0]
        >>> pacing = Pacing(90, clock=lambda: now[0])
        >>> pacing.suspect_trigger(Endpoint("192.0.2.1", 443))
        >>> pacing.may_probe(Endpoint("192.0.2.1", 443)), pacing.may_probe(Endpoint("192.0.2.1", 80))
        (False, True)
        >>> now[0] = 91.0
        >>> pacing.may_probe(Endpoint("192.0.2.1", 443))
        True
        """
        until = self._quiet_until.get(endpoint)
        return until is None or self._clock() >= until
