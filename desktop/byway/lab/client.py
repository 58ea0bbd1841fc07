"""What Byway uses by default when it runs inside the lab (``byway lab exec -- byway ...``).

The public defaults (Google's resolver, Cloudflare's DoH, OONI's helpers, Tor's authorities, the real
news sites) do not exist inside the lab. ``byway lab exec`` and ``lab shell`` set ``BYWAY_LAB=1``;
then Byway's defaults become the lab's own services, so a trainer types ``byway diagnose`` and it
just works. Anything given on the command line still wins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from byway.lab.info import load_info
from byway.measure.observations import Endpoint, Target
from byway.measure.relays import Relay


@dataclass(frozen=True)
class LabDefaults:
    resolver: Endpoint
    doh_url: str
    test_helper: str
    moat_url: str
    relays: tuple[Relay, ...]
    targets: tuple[Target, ...]


def lab_defaults(env: Mapping[str, str] | None = None) -> LabDefaults | None:
    """The running lab's services, when this process runs inside it; else ``None``."""
    env = os.environ if env is None else env
    if env.get("BYWAY_LAB") != "1":
        return None
    info = load_info()
    if info is None:
        return None
    names = (info.blocked_name, info.benign_name, info.other_name, f"www.{info.benign_name.split('.', 1)[1]}")
    targets = tuple(Target(f"{scheme}://{name}/") for name in names for scheme in ("http", "https"))
    return LabDefaults(
        resolver=Endpoint(info.resolver_ip, 53),
        doh_url=info.doh_url,
        test_helper=info.helper_url,
        moat_url=info.moat_url,
        relays=tuple(Relay(a.nickname, Endpoint(a.ip, a.or_port)) for a in info.authorities),
        targets=targets,
    )
