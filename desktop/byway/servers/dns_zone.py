"""What the lab's name servers know and how they misbehave: a zone as data, rules per name.

The zone is the truth; a :class:`DnsRule` says how a server departs from it for one name (the way a
censor's resolver or injector would). :func:`plan_replies` is a pure function from a query to the
replies to send and when, so the UDP server and the DNS-over-HTTPS endpoint answer identically and
the behaviour is testable without sockets.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

_CNAME_CHAIN_LIMIT = 8
_MALFORMED_TAIL = b"\xc0\xff\xee not a DNS message \x00\xff"


def normalise_name(name: str) -> str:
    """Zone keys and rule keys are lower-case and without the trailing dot."""
    return name.strip().rstrip(".").lower()


@dataclass(frozen=True)
class ZoneEntry:
    """The records of one name: addresses, or a CNAME to another name."""

    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    cname: str | None = None

    @classmethod
    def of(cls, addresses: Iterable[str], cname: str | None = None) -> ZoneEntry:
        """Sort mixed IPv4/IPv6 addresses into A and AAAA records."""
        a, aaaa = _split_families(addresses)
        return cls(a=a, aaaa=aaaa, cname=normalise_name(cname) if cname else None)


@dataclass(frozen=True)
class Zone:
    """Names (lower-case) to their records; names not here are NXDOMAIN."""

    entries: Mapping[str, ZoneEntry] = field(default_factory=dict)
    ttl: int = 60

    def __post_init__(self) -> None:
        normalised = {normalise_name(name): entry for name, entry in self.entries.items()}
        object.__setattr__(self, "entries", MappingProxyType(normalised))

    @classmethod
    def of(cls, addresses: Mapping[str, Sequence[str]], *, ttl: int = 60) -> Zone:
        """The common case: each name to its addresses, IPv4 and IPv6 mixed."""
        return cls({name: ZoneEntry.of(addrs) for name, addrs in addresses.items()}, ttl=ttl)

    def lookup(self, name: str) -> ZoneEntry | None:
        return self.entries.get(normalise_name(name))


class DnsBehaviour(enum.Enum):
    """How a server answers for a name: truthfully, or the way censors are seen to."""

    ANSWER = "answer"
    NXDOMAIN = "nxdomain"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    NO_ANSWER = "no_answer"
    DROP = "drop"
    LIE = "lie"
    RACE = "race"
    DUPLICATE = "duplicate"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class DnsRule:
    """One name's behaviour. ``forged`` serves LIE and RACE; ``race_delay_s`` is how long the
    genuine answer trails the forged one (injectors sit closer to the client than the resolver)."""

    behaviour: DnsBehaviour
    forged: tuple[str, ...] = ()
    race_delay_s: float = 0.05

    def __post_init__(self) -> None:
        if self.behaviour in (DnsBehaviour.LIE, DnsBehaviour.RACE) and not self.forged:
            raise ValueError(f"{self.behaviour.value} needs forged addresses")
        for address in self.forged:
            ipaddress.ip_address(address)
        if self.race_delay_s < 0:
            raise ValueError("race_delay_s must not be negative")


Rules = Mapping[str, DnsRule]
"""Name to rule. A key ``*.example.com`` covers every name below example.com (not itself)."""


@dataclass(frozen=True)
class Reply:
    """One datagram to send ``delay_s`` after the query arrived."""

    delay_s: float
    wire: bytes


def rule_for(rules: Rules, name: str) -> DnsRule | None:
    """The exact rule for ``name``, else the nearest ``*.parent`` wildcard rule."""
    name = normalise_name(name)
    if name in rules:
        return rules[name]
    labels = name.split(".")
    for i in range(1, len(labels)):
        wildcard = "*." + ".".join(labels[i:])
        if wildcard in rules:
            return rules[wildcard]
    return None


def plan_replies(query_wire: bytes, zone: Zone, rules: Rules) -> list[Reply]:
    """The replies a server following ``zone`` and ``rules`` sends to one query (none for DROP or
    for input that is not a DNS query: a server must not answer garbage with garbage)."""
    try:
        query = dns.message.from_wire(query_wire)
    except dns.exception.DNSException:
        return []
    if query.flags & dns.flags.QR or len(query.question) != 1:
        return []
    qname = query.question[0].name.to_text(omit_final_dot=True)
    rule = rule_for(rules, qname) or DnsRule(DnsBehaviour.ANSWER)
    b = rule.behaviour
    if b is DnsBehaviour.DROP:
        return []
    if b is DnsBehaviour.MALFORMED:
        return [Reply(0.0, query_wire[:2] + _MALFORMED_TAIL)]
    if b in (DnsBehaviour.NXDOMAIN, DnsBehaviour.SERVFAIL, DnsBehaviour.REFUSED):
        return [Reply(0.0, _failure(query, _RCODES[b]).to_wire())]
    if b is DnsBehaviour.NO_ANSWER:
        return [Reply(0.0, _response(query).to_wire())]
    if b is DnsBehaviour.LIE:
        return [Reply(0.0, forged_answer(query, rule.forged, zone.ttl).to_wire())]
    genuine = genuine_answer(query, zone).to_wire()
    if b is DnsBehaviour.RACE:
        forged = forged_answer(query, rule.forged, zone.ttl).to_wire()
        return [Reply(0.0, forged), Reply(rule.race_delay_s, genuine)]
    if b is DnsBehaviour.DUPLICATE:
        return [Reply(0.0, genuine), Reply(0.0, genuine)]
    return [Reply(0.0, genuine)]


_RCODES = {
    DnsBehaviour.NXDOMAIN: dns.rcode.NXDOMAIN,
    DnsBehaviour.SERVFAIL: dns.rcode.SERVFAIL,
    DnsBehaviour.REFUSED: dns.rcode.REFUSED,
}


def genuine_answer(query: dns.message.Message, zone: Zone) -> dns.message.Message:
    """The zone's truth: follows in-zone CNAMEs; NXDOMAIN for names the zone does not hold."""
    question = query.question[0]
    response = _response(query)
    name = question.name
    for _ in range(_CNAME_CHAIN_LIMIT):
        entry = zone.lookup(name.to_text())
        if entry is None:
            if not response.answer:
                response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        if entry.cname is not None:
            target = dns.name.from_text(entry.cname)
            response.answer.append(_rrset(name, zone.ttl, dns.rdatatype.CNAME, [target.to_text()]))
            if question.rdtype == dns.rdatatype.CNAME:
                return response
            name = target
            continue
        addresses = _addresses_for(question.rdtype, entry.a, entry.aaaa)
        if addresses:
            response.answer.append(_rrset(name, zone.ttl, question.rdtype, addresses))
        return response
    return response


def forged_answer(query: dns.message.Message, forged: Sequence[str], ttl: int) -> dns.message.Message:
    """An answer with ``forged`` addresses of the queried family (empty for other types)."""
    response = _response(query)
    question = query.question[0]
    a, aaaa = _split_families(forged)
    addresses = _addresses_for(question.rdtype, a, aaaa)
    if addresses:
        response.answer.append(_rrset(question.name, ttl, question.rdtype, addresses))
    return response


def _response(query: dns.message.Message) -> dns.message.Message:
    response = dns.message.make_response(query)
    # Authoritative, and "recursion available" because stub resolvers in the lab point at us.
    response.flags |= dns.flags.AA | dns.flags.RA
    return response


def _failure(query: dns.message.Message, rcode: dns.rcode.Rcode) -> dns.message.Message:
    response = _response(query)
    response.set_rcode(rcode)
    return response


def _rrset(
    name: dns.name.Name, ttl: int, rdtype: dns.rdatatype.RdataType, values: Sequence[str]
) -> dns.rrset.RRset:
    return dns.rrset.from_text_list(name, ttl, dns.rdataclass.IN, rdtype, list(values))


def _addresses_for(
    rdtype: dns.rdatatype.RdataType, a: tuple[str, ...], aaaa: tuple[str, ...]
) -> tuple[str, ...]:
    if rdtype == dns.rdatatype.A:
        return a
    if rdtype == dns.rdatatype.AAAA:
        return aaaa
    return ()


def _split_families(addresses: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parsed = [ipaddress.ip_address(address) for address in addresses]
    return (
        tuple(str(ip) for ip in parsed if ip.version == 4),
        tuple(str(ip) for ip in parsed if ip.version == 6),
    )
