"""``byway connect``'s arguments, kept apart from the command so that building the CLI's parser
imports neither tor nor the advisor: :mod:`byway.commands.connect` is imported only when the command
runs, and a converter imports its parser only when its option is given."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from byway.i18n import translate

if TYPE_CHECKING:
    from byway.tor.torrc import UpstreamProxy
    from byway.transports.bridge_line import Bridge

CHOICES = ("auto", "direct", "obfs4", "snowflake", "meek", "webtunnel", "custom")
STALL_S = 10.0
"""``--stall``'s default: :class:`byway.tor.strategy.ConnectTiming`'s ``stall_s`` (a test keeps them
equal; importing the strategy here would load tor's process code just to build the parser)."""


def _bridge(text: str) -> Bridge:
    from byway.transports.bridge_line import BridgeLineError, parse_bridge_line

    try:
        return parse_bridge_line(text)
    except BridgeLineError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _proxy(text: str) -> UpstreamProxy:
    from byway.tor.errors import TorConfigRefused
    from byway.tor.torrc import UpstreamProxy

    try:
        return UpstreamProxy.parse(text)
    except TorConfigRefused as error:
        raise argparse.ArgumentTypeError(error.why) from None


def _country(text: str) -> str:
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise argparse.ArgumentTypeError(translate("Cli", "expected a two-letter country code, like IR"))
    return text.lower()


def _run(args: argparse.Namespace) -> int:
    """:func:`byway.commands.connect.run_connect`, imported only when the command runs."""
    from byway.commands.connect import run_connect

    return run_connect(args)


def add_connect_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "connect",
        help=translate("Cli", "connect to Tor the best way this network allows, and stay connected"),
        description=translate(
            "Cli",
            "Start Tor with the best way out for this network, show its progress, print the SOCKS "
            "address to use, and keep the connection up until Ctrl-C.",
        ),
    )
    parser.add_argument("--transport", choices=CHOICES, default="auto")
    parser.add_argument(
        "--bridge",
        type=_bridge,
        action="append",
        default=[],
        metavar="LINE",
        help=translate("Cli", "a bridge line to use (repeat for several)"),
    )
    parser.add_argument(
        "--proxy",
        type=_proxy,
        metavar="URL",
        help=translate(
            "Cli", "an upstream proxy: http://, https://, socks4:// or socks5://[user:pass@]host:port"
        ),
    )
    parser.add_argument("--country", type=_country, metavar="CC")
    parser.add_argument("--profile", default="default", help=translate("Cli", "keep tor's state per profile"))
    parser.add_argument(
        "--socks-port", type=int, metavar="PORT", help=translate("Cli", "default: any free port")
    )
    parser.add_argument("--stall", type=float, default=STALL_S, metavar="SECONDS")
    parser.add_argument(
        "--moat-url",
        default=None,
        metavar="URL",
        help=translate("Cli", "where to ask for this country's circumvention settings"),
    )
    parser.add_argument(
        "--no-moat", action="store_true", help=translate("Cli", "do not ask Moat; use the built-in map")
    )
    parser.set_defaults(func=_run)
