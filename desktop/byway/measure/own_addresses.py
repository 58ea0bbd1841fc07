"""This machine's own addresses, so reports can scrub them.

Found without sending a packet: "connecting" a UDP socket only asks the kernel which source address
it would use towards a destination. Loopback addresses are not the user's identity and are left out.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from byway.measure.observations import Endpoint


def source_address_towards(endpoint: Endpoint) -> str | None:
    family = socket.AF_INET6 if ":" in endpoint.ip else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((endpoint.ip, endpoint.port))
            return str(probe.getsockname()[0])
    except OSError:
        return None


def own_addresses(destinations: Iterable[Endpoint]) -> tuple[str, ...]:
    """The non-loopback addresses this machine would use towards ``destinations``.

    >>> own_addresses([Endpoint("127.0.0.1", 53)])
    ()
    """
    found: list[str] = []
    for endpoint in destinations:
        address = source_address_towards(endpoint)
        if address and not ipaddress.ip_address(address.split("%")[0]).is_loopback:
            found.append(address)
    return tuple(dict.fromkeys(found))
