"""Gather what the advisor needs, the same way for the CLI and the window.

:func:`byway.advise.advise` is pure; this is its impure edge. It finds the transport programs,
loads the freshest built-in bridges, reads the user's own bridges from the secret store, runs the
pre-checks (seconds, in parallel), asks Moat for this country's advice when it is reachable (with a
short deadline; the cached or built-in map otherwise), and recalls what worked on this network.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace

from byway.advise import AdviceInputs, load_country_map
from byway.analyze.summary import NetworkSummary
from byway.measure.relays import Relay
from byway.plan import MoatSuggestion, Way
from byway.store.locations import Locations
from byway.store.secrets import SecretStore
from byway.store.settings import SecretRefs, load_settings
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.catalog import Catalog, load_best
from byway.transports.moat import MoatClient, MoatConfig
from byway.transports.moat_answers import MoatError
from byway.transports.moat_secrets import MoatCache, read_bridges
from byway.transports.precheck import run_prechecks, tor_network_relays
from byway.transports.transport_support import TransportInventory, discover_transports

PRECHECK_BRIDGES_PER_TRANSPORT = 4


@dataclass(frozen=True)
class AdviceRequest:
    """What the caller knows. ``relays=None`` means Tor's real directory authorities and fallbacks;
    ``moat_url=None`` means do not ask Moat (offline map only)."""

    locations: Locations
    network_id: str
    country: str | None = None
    summary: NetworkSummary | None = None
    extra_bridges: tuple[Bridge, ...] = ()  # given for this run (e.g. ``--bridge``), not saved
    relays: tuple[Relay, ...] | None = None  # given: a private Tor network (the lab)
    moat_url: str | None = None
    precheck_timeout_s: float = 6.0
    moat_timeout_s: float = 8.0


def _private_only(catalog: Catalog) -> Catalog:
    """On a private Tor network (the lab), public built-in bridges mean nothing and must not be
    contacted: keep only bridges whose address is private, and no broker- or CDN-based ones."""
    groups = []
    for kind, bridges in catalog.groups:
        kept = tuple(
            b
            for b in bridges
            if b.transport in (Transport.OBFS4, Transport.VANILLA)
            and ipaddress.ip_address(b.address.ip).is_private
        )
        if kept:
            groups.append((kind, kept))
    return replace(catalog, groups=tuple(groups))


def _custom_bridges(refs: SecretRefs, secrets: SecretStore | None) -> tuple[Bridge, ...]:
    if secrets is None:
        return ()
    return read_bridges(secrets, refs.custom_bridges) + read_bridges(secrets, refs.moat_bridges)


def _to_check(catalog: Catalog, custom: Sequence[Bridge]) -> tuple[Bridge, ...]:
    """The user's bridges, and a few built-in ones per checkable transport (a pre-check is light)."""
    chosen = list(custom)
    for transport in (Transport.OBFS4, Transport.VANILLA):
        chosen += list(catalog.bridges_for(transport))[:PRECHECK_BRIDGES_PER_TRANSPORT]
    return tuple(dict.fromkeys(chosen))


async def gather_advice_inputs(
    request: AdviceRequest, secrets: SecretStore | None = None
) -> tuple[AdviceInputs, TransportInventory]:
    """Everything :func:`~byway.advise.advise` needs, gathered concurrently."""
    locations = request.locations
    inventory = await asyncio.to_thread(discover_transports)
    catalog = await asyncio.to_thread(load_best, locations.bridge_catalog_dir)
    if request.relays is not None:
        catalog = _private_only(catalog)
    settings = load_settings(locations).settings
    custom = tuple(dict.fromkeys(request.extra_bridges + _custom_bridges(settings.secrets, secrets)))
    obfs4 = inventory.for_transport(Transport.OBFS4)
    relays = request.relays if request.relays is not None else tor_network_relays()

    async def moat() -> tuple[MoatSuggestion, ...] | None:
        if request.moat_url is None:
            return None
        client = MoatClient(
            MoatConfig(base_url=request.moat_url, timeout_s=request.moat_timeout_s),
            cache=MoatCache(locations.cache_dir),
            secrets=secrets,
        )
        try:
            answer = await asyncio.wait_for(client.settings(request.country), request.moat_timeout_s)
        except (MoatError, TimeoutError):
            return None
        return tuple(answer.suggestions)

    checks, suggestions = await asyncio.gather(
        run_prechecks(
            relays=relays,
            bridges=_to_check(catalog, custom),
            obfs4_binary=obfs4.binary.path if obfs4.available and obfs4.binary else None,
            timeout_s=request.precheck_timeout_s,
        ),
        moat(),
    )
    remembered = settings.last_working_transport.get(request.network_id)
    inputs = AdviceInputs(
        summary=request.summary,
        country=request.country or settings.country,
        checks=checks,
        availability={entry.transport: entry for entry in inventory.availability},
        catalog=catalog,
        custom_bridges=custom,
        remembered=Way(remembered) if remembered in {w.value for w in Way} else None,
        moat=suggestions,
        country_map=load_country_map(),
    )
    return inputs, inventory
