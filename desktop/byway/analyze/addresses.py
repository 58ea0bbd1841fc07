"""Which addresses can only be a lie when a resolver hands them out for a public name: bogons.

A DNS answer pointing at ``10.10.34.35`` or ``127.0.0.1`` for a public website is the classic sign of
an injector (censors answer with private or reserved addresses so the browser goes nowhere). Some
real sites do resolve to private addresses, so a bogon is evidence to weigh against the control, not
a verdict on its own.

The censorship lab runs in private ranges, so an :class:`AddressPolicy` can declare ranges "public":
inside the lab, ``10.0.0.0/8`` is the Internet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PUBLIC_RANGES_VARIABLE = "BYWAY_PUBLIC_RANGES"
"""Environment variable holding comma-separated CIDRs that count as public (for the lab)."""

BOGON_RANGES: tuple[IpNetwork, ...] = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        # IPv4
        "0.0.0.0/8",  # "this network", includes the unspecified address
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes the limited broadcast address
        # IPv6
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::ffff:0:0/96",  # IPv4-mapped: judged by the embedded IPv4 address instead
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local (ULA)
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)


def _parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class AddressPolicy:
    """How to judge addresses on this network: the standard bogon list minus ranges declared public."""

    public_ranges: tuple[IpNetwork, ...] = ()

    @classmethod
    def standard(cls) -> AddressPolicy:
        """The policy for the real Internet: every standard bogon range is a bogon."""
        return cls()

    @classmethod
    def with_public_ranges(cls, cidrs: Iterable[str]) -> AddressPolicy:
        """Declare ``cidrs`` public; raise ``ValueError`` on a malformed CIDR."""
        return cls(tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip()))

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> AddressPolicy:
        """Read ``BYWAY_PUBLIC_RANGES`` (comma-separated CIDRs), as the CLI does for the lab.

        >>> AddressPolicy.from_environment({"BYWAY_PUBLIC_RANGES": "10.0.0.0/8"}).is_bogon("10.1.2.3")
        False
        """
        return cls.with_public_ranges(env.get(PUBLIC_RANGES_VARIABLE, "").split(","))

    def is_public_override(self, text: str) -> bool:
        address = _parse_address(text)
        return address is not None and any(address in net for net in self.public_ranges)

    def is_bogon(self, text: str) -> bool:
        """True when ``text`` is an address no public name should resolve to.

        Text that is not an IP address is not a bogon (it is not an address at all).

        >>> policy = AddressPolicy.standard()
        >>> policy.is_bogon("10.10.34.35"), policy.is_bogon("93.184.215.14"), policy.is_bogon("fd00::1")
        (True, False, True)
        """
        address = _parse_address(text)
        if address is None:
            return False
        if any(address in net for net in self.public_ranges):
            return False
        return any(address in net for net in BOGON_RANGES)

    def bogons(self, addresses: Iterable[str]) -> tuple[str, ...]:
        """The bogons among ``addresses``, in order."""
        return tuple(a for a in addresses if self.is_bogon(a))


STANDARD_POLICY = AddressPolicy.standard()


def is_ip_literal(text: str) -> bool:
    """True for ``1.2.3.4`` or ``2001:db8::1`` (a URL whose host needs no DNS)."""
    return _parse_address(text) is not None
