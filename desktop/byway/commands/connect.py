"""``byway connect``: bootstrap the best way out, show progress and the plan's reasons, print the SOCKS
address, and stay up (recovering tor if it dies) until Ctrl-C.

``--transport auto`` asks the advisor for a plan (no diagnosis: country, installed transports,
built-in bridges, the user's own bridges, what worked last time); a named transport makes a one-way
plan. A private Tor network (the censorship lab) is used instead of the public one only when
``BYWAY_TOR_TEST_NETWORK`` names its authorities file (or ``BYWAY_LAB=1`` and the lab recorded one).

The arguments are defined in :mod:`byway.commands.connect_args`, which the CLI imports instead of
this module; ``add_connect_parser`` and ``CHOICES`` stay importable from here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

from byway.advice_inputs import AdviceRequest, gather_advice_inputs
from byway.advise import advise
from byway.commands.bridges import open_store
from byway.commands.connect_args import CHOICES as CHOICES
from byway.commands.connect_args import add_connect_parser as add_connect_parser
from byway.i18n import translate
from byway.lab.client import lab_defaults
from byway.measure.observations import Endpoint
from byway.measure.relays import Relay
from byway.plan import Option, Plan, Way
from byway.store.errors import StoreError
from byway.store.locations import Locations
from byway.store.secrets import SecretStore
from byway.store.settings import load_settings
from byway.tor.connector import ConnectorOptions, TorConnector, remember_working, remembered_way
from byway.tor.errors import TorConfigRefused, TorError
from byway.tor.events import AttemptEvent, BootstrapEvent, ConnectEvent, HealthEvent
from byway.tor.strategy import ConnectTiming
from byway.tor.torrc import TestNetwork
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.catalog import load_best
from byway.transports.moat import DEFAULT_BASE_URL
from byway.transports.transport_support import TransportInventory, discover_transports

TEST_NETWORK_ENV = "BYWAY_TOR_TEST_NETWORK"
LAB_NETWORK_FILE = Path("/run/byway-lab/tor/network.json")
WAY_TRANSPORT = {
    Way.OBFS4: Transport.OBFS4,
    Way.SNOWFLAKE: Transport.SNOWFLAKE,
    Way.MEEK: Transport.MEEK_LITE,
    Way.WEBTUNNEL: Transport.WEBTUNNEL,
}

log = logging.getLogger(__name__)


def private_network_from_env() -> TestNetwork | None:
    """The private network to use instead of the public one, if the environment names one."""
    named = os.environ.get(TEST_NETWORK_ENV)
    path = Path(named) if named else (LAB_NETWORK_FILE if os.environ.get("BYWAY_LAB") == "1" else None)
    if path is None or not path.is_file():
        return None
    return TestNetwork.from_json_file(path)


async def advised_plan(args: argparse.Namespace, locations: Locations) -> Plan:
    """``--transport auto``: pre-checks, Moat (unless ``--no-moat``), saved bridges, then the advisor."""
    network = private_network_from_env()
    relays = (
        tuple(Relay(a.nickname, Endpoint(a.ip, a.or_port)) for a in network.authorities)
        if network is not None
        else None
    )
    request = AdviceRequest(
        locations=locations,
        network_id=_network_id(args),
        country=args.country,
        extra_bridges=tuple(args.bridge),
        relays=relays,
        moat_url=None if args.no_moat else _moat_url(args),
    )
    print(translate("Cli", "Checking which ways out answer from here..."), file=sys.stderr, flush=True)
    inputs, _ = await gather_advice_inputs(request, _saved_secrets(locations))
    return advise(inputs)


def _moat_url(args: argparse.Namespace) -> str:
    """``--moat-url``, else the lab's Moat inside the lab, else the real one."""
    if args.moat_url:
        return str(args.moat_url)
    lab = lab_defaults()
    return lab.moat_url if lab else DEFAULT_BASE_URL


def _saved_secrets(locations: Locations) -> SecretStore | None:
    """The store holding the user's saved bridges, if it opens without asking anything."""
    settings = load_settings(locations).settings
    if settings.secrets.custom_bridges is None and settings.secrets.moat_bridges is None:
        return None
    try:
        return open_store(locations, settings)
    except (StoreError, SystemExit) as error:
        message = error.message if isinstance(error, StoreError) else str(error)
        print(
            translate("Cli", "Your saved bridges are not used this time: {why}").format(why=message),
            file=sys.stderr,
        )
        return None


def build_plan(args: argparse.Namespace, inventory: TransportInventory, locations: Locations) -> Plan:
    """The plan for one explicit ``--transport``: that way, with its bridges."""
    bridges: tuple[Bridge, ...] = tuple(args.bridge)
    transport = str(args.transport)
    reasons = (translate("Cli", "you asked for it"),)
    if transport == "direct":
        return Plan((Option(Way.DIRECT, (), reasons),), translate("Cli", "Tor without a bridge."))
    if transport == "custom":
        if not bridges:
            raise TorConfigRefused("--bridge", translate("Cli", "custom needs at least one --bridge LINE"))
        return Plan(
            (Option(Way.CUSTOM, bridges, reasons, source="custom"),), translate("Cli", "Your bridges.")
        )
    way = Way(transport)
    wanted = WAY_TRANSPORT[way]
    chosen = tuple(b for b in bridges if b.transport is wanted) or load_best(
        locations.bridge_catalog_dir
    ).bridges_for(wanted)
    entry = inventory.for_transport(wanted)
    option = Option(
        way,
        chosen,
        reasons,
        source="custom" if bridges else "builtin",
        available=entry.available,
        unavailable_reason="" if entry.available else entry.reason,
    )
    return Plan((option,), translate("Cli", "One way, as asked."))


def _network_id(args: argparse.Namespace) -> str:
    """What "this network" is called when remembering what worked: the country if known."""
    return f"country:{args.country}" if args.country else "default"


class ProgressView:
    """Prints bootstrap progress as one redrawn bar (on a terminal) and every attempt on its own line."""

    def __init__(self) -> None:
        self.out = sys.stderr
        self.tty = self.out.isatty()
        self.best = -1

    def __call__(self, event: ConnectEvent) -> None:
        if isinstance(event, BootstrapEvent):
            if event.progress <= self.best and event.warning is None:
                return
            self.best = max(self.best, event.progress)
            filled = event.progress // 5
            bar = "#" * filled + "-" * (20 - filled)
            text = f"[{bar}] {event.progress:3d}% {event.option.way.value}: {event.summary}"
            if event.warning:
                text += f" ({event.warning}, {event.reason})"
            print(
                ("\r\x1b[K" if self.tty else "") + text,
                end="" if self.tty else "\n",
                file=self.out,
                flush=True,
            )
        elif isinstance(event, AttemptEvent):
            self.best = -1
            line = f"{event.option.way.value}: {event.outcome.value}"
            if event.explanation:
                line += f" - {event.explanation}"
            print(("\r\x1b[K" if self.tty else "") + line, file=self.out, flush=True)
        elif isinstance(event, HealthEvent):
            print(f"{event.state.value}: {event.explanation}", file=self.out, flush=True)


def print_plan(plan: Plan) -> None:
    print(plan.summary, file=sys.stderr)
    for number, option in enumerate(plan.options, 1):
        state = "" if option.available else f" [{option.unavailable_reason}]"
        print(f"  {number}. {option.way.value}{state}", file=sys.stderr)
        for reason in option.reasons:
            print(f"       - {reason}", file=sys.stderr)


async def connect_and_stay(args: argparse.Namespace) -> int:
    locations: Locations = args.locations
    inventory = await asyncio.to_thread(discover_transports)
    if args.transport == "auto":
        plan = await advised_plan(args, locations)
    else:
        plan = build_plan(args, inventory, locations)
    print_plan(plan)
    log.info(
        "connect --transport %s: plan %s%s",
        args.transport,
        ", ".join(f"{o.way.value}{'' if o.available else ' (unavailable)'}" for o in plan.options),
        " (shutdown)" if plan.shutdown else "",
    )
    if plan.shutdown or not plan.runnable():
        print(translate("Cli", "Nothing in the plan can run here."), file=sys.stderr)
        return 2
    options = ConnectorOptions(
        profile=args.profile,
        tor_path=inventory.tor.path if inventory.tor else None,
        plugins=inventory.client_transport_plugins(),
        proxy=args.proxy,
        test_network=private_network_from_env(),
        timing=ConnectTiming(stall_s=args.stall),
        remembered_way=remembered_way(locations, _network_id(args)),
        socks_port=args.socks_port,
    )
    connector = TorConnector(locations, options)
    try:
        session = await connector.connect(plan, ProgressView())
        with contextlib.suppress(OSError):
            remember_working(locations, _network_id(args), session.option)
        print(file=sys.stderr)
        print(
            translate("Cli", "Connected with {way} in {seconds:.1f} s. Press Ctrl-C to disconnect.").format(
                way=session.option.way.value, seconds=session.bootstrap_s
            ),
            file=sys.stderr,
        )
        print(f"SOCKS5 {session.socks}", flush=True)
        await connector.wait_closed()
        log.warning("the session was lost: recovery gave up")
        return 3  # recovery gave up: the session is lost
    finally:
        await connector.disconnect()


def run_connect(args: argparse.Namespace) -> int:
    if (
        args.transport not in ("auto", "custom")
        and args.bridge
        and all(b.transport is not WAY_TRANSPORT.get(Way(args.transport)) for b in args.bridge)
    ):
        print(
            translate("Cli", "Those bridges do not use {transport}.").format(transport=args.transport),
            file=sys.stderr,
        )
        return 2
    try:
        return asyncio.run(_until_interrupted(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        log.info("connect stopped by the user")
        print("\n" + translate("Cli", "Disconnected."), file=sys.stderr)
        return 0
    except TorError as error:
        log.warning("connect failed: %s: %s", type(error).__name__, error.explanation())
        print("\n" + error.explanation(), file=sys.stderr)
        print(error.next_step(), file=sys.stderr)
        return 2


async def _until_interrupted(args: argparse.Namespace) -> int:
    """Ctrl-C or SIGTERM cancels the work, which stops every tor it started (even mid-bootstrap)."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C still interrupts
            loop.add_signal_handler(signal_number, main.cancel)
    return await connect_and_stay(args)
