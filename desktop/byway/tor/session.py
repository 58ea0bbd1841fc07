"""A live session: the running tor behind a :class:`~byway.tor.events.Session`, watched and recovered.

tor or a pluggable transport can die under a running session (a crash, an OOM kill, a user killing
it). The watch notices within ``check_s`` (the control connection closing wakes it at once), tells the
user through a :class:`~byway.tor.events.HealthEvent`, and starts the same option again in a new tor
on the same DataDirectory (warm: seconds; cold for private bridges, whose state lives only in RAM)
and the same SOCKS port, so applications keep working.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace

from byway.i18n import translate
from byway.plan import Option
from byway.tor.errors import TorError
from byway.tor.events import ConnectEvent, HealthEvent, HealthState, Session
from byway.tor.process import TorProcess

Restart = Callable[[Option, int], Awaitable[TorProcess]]
"""Bootstrap ``option`` again in a new tor listening on the given SOCKS port."""


class LiveSession:
    """Owns the session's tor; :meth:`watch` runs until :meth:`close` (or until recovery gives up)."""

    def __init__(
        self,
        session: Session,
        process: TorProcess,
        restart: Restart,
        on_event: Callable[[ConnectEvent], None],
        *,
        check_s: float = 0.5,
        max_recoveries: int = 3,
    ) -> None:
        self.session = session
        self.process = process
        self.restart = restart
        self.on_event = on_event
        self.check_s = check_s
        self.max_recoveries = max_recoveries
        self.recoveries = 0
        self.state = HealthState.HEALTHY
        self._closing = False

    def _broken(self) -> str | None:
        """Why the session is broken, in words, or ``None`` while tor and its transports run."""
        if not self.process.alive() or self.process.controller is None:
            return translate("Tor", "Tor stopped unexpectedly.")
        if self.process.dead_transports():
            return translate("Tor", "The transport program that carries the connection stopped.")
        return None

    async def watch(self) -> None:
        """Check every ``check_s`` (process state is cheap to read) and recover what died."""
        while not self._closing:
            why = self._broken()
            if why is None:
                await asyncio.sleep(self.check_s)
                continue
            if not await self._recover(why):
                return

    async def _recover(self, why: str) -> bool:
        self.state = HealthState.RECOVERING
        self.on_event(HealthEvent(HealthState.RECOVERING, why + " " + translate("Tor", "Reconnecting…")))
        await self.process.stop()
        last: TorError | None = None
        while self.recoveries < self.max_recoveries and not self._closing:
            self.recoveries += 1
            try:
                self.process = await self.restart(self.session.option, self.session.socks.port)
            except TorError as error:
                last = error
                continue
            socks = await self.process.socks_endpoint()
            self.session = replace(self.session, socks=socks)
            self.state = HealthState.HEALTHY
            self.on_event(
                HealthEvent(
                    HealthState.HEALTHY,
                    translate("Tor", "Reconnected; the SOCKS address is {socks}.").format(socks=socks),
                )
            )
            return True
        self.state = HealthState.LOST
        detail = f" {last.explanation()} {last.next_step()}" if last is not None else ""
        self.on_event(HealthEvent(HealthState.LOST, translate("Tor", "The connection was lost.") + detail))
        return False

    async def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):
            await self.process.stop()
