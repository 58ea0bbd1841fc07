"""An authoritative UDP name server for the lab's world, misbehaving per name on request.

It answers from a :class:`~byway.servers.dns_zone.Zone` under :class:`DnsRule` s that the lab can
swap at run time (``set_rules``) when a trainer switches scenarios. Replies are scheduled with
``call_later``, never awaited inline, so a RACE's delayed genuine answer or a DROP never holds up
other queries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import cast

from byway.servers.dns_zone import (
    DnsBehaviour,
    DnsRule,
    Reply,
    Rules,
    Zone,
    ZoneEntry,
    normalise_name,
    plan_replies,
)

__all__ = ["DnsAuthority", "DnsBehaviour", "DnsRule", "DnsServer", "Zone", "ZoneEntry", "start_dns_server"]

_log = logging.getLogger(__name__)


class DnsAuthority:
    """The zone and rules one server (UDP or DoH) answers from; swappable while serving."""

    def __init__(self, zone: Zone, rules: Rules | None = None) -> None:
        self._zone = zone
        self._rules: Mapping[str, DnsRule] = {}
        self.set_rules(rules or {})

    @property
    def zone(self) -> Zone:
        return self._zone

    @property
    def rules(self) -> Mapping[str, DnsRule]:
        return self._rules

    def set_zone(self, zone: Zone) -> None:
        self._zone = zone

    def set_rules(self, rules: Rules) -> None:
        self._rules = {normalise_name(name): rule for name, rule in rules.items()}

    def plan(self, query_wire: bytes) -> list[Reply]:
        return plan_replies(query_wire, self._zone, self._rules)


class _DnsProtocol(asyncio.DatagramProtocol):
    def __init__(self, authority: DnsAuthority) -> None:
        self._authority = authority
        self._transport: asyncio.DatagramTransport | None = None
        self._pending: set[asyncio.TimerHandle] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # CPython's selector datagram transport does not subclass DatagramTransport: cast, not check.
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        try:
            replies = self._authority.plan(data)
        except Exception:  # a bad rule must not take the server down
            _log.exception("DNS query from %s failed", addr)
            return
        for reply in replies:
            if reply.delay_s <= 0:
                self._send(reply.wire, addr)
            else:
                self._send_later(reply.delay_s, reply.wire, addr)

    def _send_later(self, delay_s: float, wire: bytes, addr: tuple[str | int, ...]) -> None:
        def fire() -> None:
            self._pending.discard(handle)
            self._send(wire, addr)

        handle = asyncio.get_running_loop().call_later(delay_s, fire)
        self._pending.add(handle)

    def _send(self, wire: bytes, addr: tuple[str | int, ...]) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.sendto(wire, addr)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable from a client that already gave up: nothing to do.
        _log.debug("DNS socket error: %s", exc)

    def cancel_pending(self) -> None:
        for handle in self._pending:
            handle.cancel()
        self._pending.clear()


class DnsServer:
    """A running UDP name server. ``address``/``port`` are where it actually listens."""

    def __init__(self, transport: asyncio.DatagramTransport, protocol: _DnsProtocol, authority: DnsAuthority):
        self._transport = transport
        self._protocol = protocol
        self.authority = authority
        sockname = transport.get_extra_info("sockname")
        self.address: str = sockname[0]
        self.port: int = sockname[1]

    def set_rules(self, rules: Rules) -> None:
        self.authority.set_rules(rules)

    def set_zone(self, zone: Zone) -> None:
        self.authority.set_zone(zone)

    async def close(self) -> None:
        self._protocol.cancel_pending()
        self._transport.close()
        await asyncio.sleep(0)  # let the transport's connection_lost run


async def start_dns_server(
    host: str, port: int, zone: Zone, rules: Rules | None = None, *, authority: DnsAuthority | None = None
) -> DnsServer:
    """Listen on ``host:port`` (port 0 = ephemeral). Pass ``authority`` to share one with a DoH route
    (``zone``/``rules`` are then ignored)."""
    authority = authority or DnsAuthority(zone, rules)
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _DnsProtocol(authority), local_addr=(host, port)
    )
    return DnsServer(transport, protocol, authority)
