"""``byway bridges``: list, check, add, remove and refresh bridges from the terminal.

Custom bridges are secrets: they are kept in the secret store the user chose (the OS keyring, the
passphrase vault, or only for this session), the settings file holds only their secret id, and the
listing hides their addresses unless ``--show`` is given. Built-in bridges are public and are listed
with the date of the catalog they come from.

The arguments are defined in :mod:`byway.commands.bridges_args`, which the CLI imports instead of
this module; ``add_bridges_parser`` stays importable from here.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from dataclasses import replace
from typing import TextIO

from byway.commands.bridges_args import add_bridges_parser as add_bridges_parser
from byway.i18n import translate
from byway.store.errors import SecretStorageChoice
from byway.store.locations import Locations
from byway.store.secrets import MemorySecretStore, SecretStore, open_secret_store, preferred_storage
from byway.store.settings import Settings, load_settings, save_settings
from byway.transports.bridge_line import Bridge, BridgeLineError, Transport, parse_bridge_line
from byway.transports.catalog import Catalog, load_best, save_refreshed
from byway.transports.moat_secrets import CUSTOM_KIND, bridge_id, masked, read_bridges, write_bridges

VAULT_PASSPHRASE_VARIABLE = "BYWAY_VAULT_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


def open_store(locations: Locations, settings: Settings, *, session_only: bool = False) -> SecretStore:
    """The secret store per the store's rules: the user's choice, else keyring (vault when portable)."""
    if session_only:
        return MemorySecretStore()
    choice = settings.secret_storage or preferred_storage(locations)
    passphrase = None
    if choice is SecretStorageChoice.VAULT:
        passphrase = os.environ.get(VAULT_PASSPHRASE_VARIABLE)
        if passphrase is None and sys.stdin.isatty():
            passphrase = getpass.getpass(translate("Cli", "Passphrase of Byway's vault: "))
        if not passphrase:
            raise SystemExit(
                translate("Cli", "The vault needs its passphrase (or set {name}).").format(
                    name=VAULT_PASSPHRASE_VARIABLE
                )
            )
    return open_secret_store(locations, choice, passphrase=passphrase)


def _catalog_line(catalog: Catalog) -> str:
    when = catalog.as_of.date().isoformat() if catalog.as_of else translate("Cli", "unknown date")
    return translate("Cli", "Built-in bridges ({source}, as of {date}):").format(
        source=catalog.source.value, date=when
    )


def list_bridges(locations: Locations, out: TextIO, *, show: bool) -> int:
    catalog = load_best(locations.bridge_catalog_dir)
    print(_catalog_line(catalog), file=out)
    for kind, bridges in catalog.groups:
        print(f"  {kind}: {len(bridges)}", file=out)
        for bridge in bridges:
            print(f"    {bridge}", file=out)
    settings = load_settings(locations).settings
    if settings.secrets.custom_bridges is None:
        print(translate("Cli", "Your bridges: none."), file=out)
        return 0
    mine = read_bridges(open_store(locations, settings), settings.secrets.custom_bridges)
    print(translate("Cli", "Your bridges ({count}):").format(count=len(mine)), file=out)
    for bridge in mine:
        print(f"  {bridge_id(bridge)}  {bridge if show else masked(bridge)}", file=out)
    if mine and not show:
        print(translate("Cli", "(addresses hidden; add --show to see them)"), file=out)
    return 0


def parse_lines(lines: list[str]) -> tuple[tuple[Bridge, ...], list[str]]:
    """Good bridges, and a plain error per bad line (numbered as given)."""
    good: list[Bridge] = []
    errors: list[str] = []
    for number, line in enumerate(lines, 1):
        try:
            bridge = parse_bridge_line(line)
        except BridgeLineError as error:
            errors.append(translate("Cli", "Line {n}: {error}").format(n=number, error=error))
            continue
        if bridge not in good:
            good.append(bridge)
    return tuple(good), errors


def add_bridges(
    locations: Locations, lines: list[str], out: TextIO, err: TextIO, *, session_only: bool
) -> int:
    bridges, errors = parse_lines(lines)
    for message in errors:
        print(message, file=err)
    if errors:
        print(translate("Cli", "Nothing was added: correct the lines above."), file=err)
        return 2
    loaded = load_settings(locations).settings
    store = open_store(locations, loaded, session_only=session_only)
    if session_only:
        write_bridges(store, bridges, kind=CUSTOM_KIND)
        print(
            translate(
                "Cli", "{count} bridges checked; kept only for this session, nothing was stored."
            ).format(count=len(bridges)),
            file=out,
        )
        return 0
    existing = read_bridges(store, loaded.secrets.custom_bridges)
    merged = existing + tuple(b for b in bridges if b not in existing)
    secret_id = write_bridges(store, merged, kind=CUSTOM_KIND, secret_id=loaded.secrets.custom_bridges)
    save_settings(
        locations,
        replace(loaded, secrets=replace(loaded.secrets, custom_bridges=secret_id), secret_storage=store.kind),
    )
    print(
        translate("Cli", "Added {added} bridges ({total} in all), kept in: {where}.").format(
            added=len(merged) - len(existing), total=len(merged), where=store.kind.value
        ),
        file=out,
    )
    for bridge in bridges:
        print(f"  {bridge_id(bridge)}  {masked(bridge)}", file=out)
    return 0


def remove_bridge(locations: Locations, which: str, out: TextIO, err: TextIO) -> int:
    loaded = load_settings(locations).settings
    if loaded.secrets.custom_bridges is None:
        print(translate("Cli", "You have no bridges of your own to remove."), file=err)
        return 1
    store = open_store(locations, loaded)
    mine = read_bridges(store, loaded.secrets.custom_bridges)
    try:
        target_id = bridge_id(parse_bridge_line(which))
    except BridgeLineError:
        target_id = which.strip().lower()
    kept = tuple(b for b in mine if bridge_id(b) != target_id)
    if len(kept) == len(mine):
        print(translate("Cli", "No bridge of yours matches {which}.").format(which=target_id), file=err)
        return 1
    secret_id = write_bridges(store, kept, kind=CUSTOM_KIND, secret_id=loaded.secrets.custom_bridges)
    save_settings(locations, replace(loaded, secrets=replace(loaded.secrets, custom_bridges=secret_id)))
    print(translate("Cli", "Removed {id}; {count} left.").format(id=target_id, count=len(kept)), file=out)
    return 0


def check_bridges(locations: Locations, out: TextIO, *, reachability: bool, timeout_s: float) -> int:
    from byway.transports.transport_support import discover_transports

    inventory = discover_transports()
    for entry in inventory.availability:
        state = translate("Cli", "available") if entry.available else translate("Cli", "unavailable")
        print(f"{entry.transport.value:10} {state:12} {entry.reason}", file=out)
    if not reachability:
        return 0
    from byway.measure.relays import directory_authorities
    from byway.transports.precheck import run_prechecks

    catalog = load_best(locations.bridge_catalog_dir)
    settings = load_settings(locations).settings
    mine: tuple[Bridge, ...] = ()
    if settings.secrets.custom_bridges is not None:
        mine = read_bridges(open_store(locations, settings), settings.secrets.custom_bridges)
    obfs4 = inventory.for_transport(Transport.OBFS4)
    checks = asyncio.run(
        run_prechecks(
            relays=directory_authorities(),
            bridges=(*catalog.bridges_for(Transport.OBFS4), *mine),
            obfs4_binary=obfs4.binary.path if obfs4.binary is not None else None,
            timeout_s=timeout_s,
        )
    )
    for check in checks:
        who = (
            translate("Cli", "Tor network") if check.bridge is None else _public_or_masked(check.bridge, mine)
        )
        state = translate("Cli", "reachable") if check.reachable else check.failure or ""
        print(f"{who:48} {check.method:16} {state} ({round(check.elapsed_s * 1000)} ms)", file=out)
    return 0


def _public_or_masked(bridge: Bridge, mine: tuple[Bridge, ...]) -> str:
    return masked(bridge) if bridge in mine else f"{bridge.transport.value} {bridge.address}"


def refresh_bridges(
    locations: Locations, out: TextIO, err: TextIO, *, moat_url: str | None, meek: bool
) -> int:
    from byway.transports.moat import DEFAULT_BASE_URL, MoatClient, MoatConfig, meek_proxy
    from byway.transports.moat_answers import MoatError
    from byway.transports.transport_support import discover_transports

    current = load_best(locations.bridge_catalog_dir)
    client = MoatClient(MoatConfig(moat_url or DEFAULT_BASE_URL))

    async def fetch() -> Catalog:
        if not meek:
            return await client.builtin(base=current)
        carrier = discover_transports().for_transport(Transport.MEEK_LITE)
        fronts = current.bridges_for(Transport.MEEK_LITE)
        if carrier.binary is None or not fronts:
            raise MoatError(carrier.reason or translate("Cli", "there is no meek bridge line to front with"))
        async with meek_proxy(carrier.binary.path, fronts[0]) as proxy:
            return await client.through(proxy).builtin(base=current)

    try:
        catalog = asyncio.run(fetch())
    except MoatError as error:
        print(str(error), file=err)
        return 1
    save_refreshed(catalog, locations.bridge_catalog_dir)
    print(_catalog_line(catalog), file=out)
    for kind, bridges in catalog.groups:
        print(f"  {kind}: {len(bridges)}", file=out)
    return 0


def run_bridges(args: argparse.Namespace) -> int:
    locations: Locations = args.locations
    out, err = sys.stdout, sys.stderr
    command = args.bridges_command or ("check" if args.check else "list")
    if command == "list":
        return list_bridges(locations, out, show=getattr(args, "show", False))
    if command == "check":
        return check_bridges(locations, out, reachability=args.reachability, timeout_s=args.timeout)
    if command == "add":
        return add_bridges(locations, args.lines, out, err, session_only=args.session_only)
    if command == "remove":
        return remove_bridge(locations, args.which, out, err)
    return refresh_bridges(locations, out, err, moat_url=args.moat_url, meek=args.through_meek)
