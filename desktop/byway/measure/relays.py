"""Can this network reach the Tor network directly? TCP and a TLS handshake to relays' ORPorts.

Tor's directory authorities are the first thing a tor client contacts and the first thing a censor
blocks. The list comes from stem (shipped with it, no network needed); tests and the lab pass their
own relays.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from byway.measure.observations import Endpoint, RelayReachability, SniRole
from byway.measure.tcp import probe_tcp
from byway.measure.tls import probe_tls


@dataclass(frozen=True)
class Relay:
    nickname: str
    endpoint: Endpoint


def directory_authorities() -> tuple[Relay, ...]:
    """The Tor directory authorities' ORPorts, as stem ships them (IPv4)."""
    import stem.directory

    relays = [
        Relay(authority.nickname, Endpoint(authority.address, authority.or_port))
        for authority in stem.directory.Authority.from_cache().values()
        if authority.or_port and authority.nickname != "Serge"  # Serge is the bridge authority
    ]
    return tuple(sorted(relays, key=lambda r: r.nickname))


def _tor_like_server_name() -> str:
    """Tor clients send a random ``www.<random>.com`` name; so do we, to look like tor."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "www." + "".join(secrets.choice(alphabet) for _ in range(12)) + ".com"


async def probe_relay(relay: Relay, *, timeout_s: float) -> RelayReachability:
    tcp = await probe_tcp(relay.endpoint, timeout_s=timeout_s)
    if tcp.failure is not None:
        return RelayReachability(relay.nickname, relay.endpoint, tcp, None)
    tls = await probe_tls(relay.endpoint, _tor_like_server_name(), SniRole.BENIGN, timeout_s=timeout_s)
    return RelayReachability(relay.nickname, relay.endpoint, tcp, tls)
