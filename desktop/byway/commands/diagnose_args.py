"""``byway diagnose``'s arguments, kept apart from the command so that building the CLI's parser
imports no measurement code: :mod:`byway.commands.diagnose` is imported only when the command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from byway.i18n import translate

if TYPE_CHECKING:
    from byway.measure.observations import Endpoint
    from byway.measure.relays import Relay


def _endpoint(text: str) -> Endpoint:
    from byway.measure.observations import Endpoint

    try:
        return Endpoint.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            translate("Cli", "expected IP:PORT, for example 8.8.8.8:53")
        ) from None


def _relay(text: str) -> Relay:
    nickname, sep, address = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(translate("Cli", "expected NAME=IP:PORT"))
    from byway.measure.relays import Relay

    return Relay(nickname, _endpoint(address))


def _run(args: argparse.Namespace) -> int:
    """:func:`byway.commands.diagnose.run_diagnose`, imported only when the command runs."""
    from byway.commands.diagnose import run_diagnose

    return run_diagnose(args)


def add_diagnose_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "diagnose",
        help=translate("Cli", "find out what this network blocks, and how"),
        description=translate(
            "Cli",
            "Test websites and the Tor network from here, compare with an uncensored control, and "
            "explain what is blocked and how. Without URLs, Byway's default list is tested.",
        ),
    )
    add_diagnose_arguments(parser)
    parser.set_defaults(func=_run)


def add_diagnose_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="*", metavar="URL", help=translate("Cli", "addresses to test"))
    parser.add_argument("--targets", type=Path, metavar="FILE", help=translate("Cli", "a file of URLs"))
    parser.add_argument(
        "--json", action="store_true", help=translate("Cli", "print OONI-format measurements, one per line")
    )
    parser.add_argument("--test-helper", default=None, metavar="URL")
    parser.add_argument(
        "--no-control", action="store_true", help=translate("Cli", "do not ask a test helper")
    )
    parser.add_argument("--resolver", type=_endpoint, default=None, metavar="IP:PORT")
    parser.add_argument("--no-resolver", action="store_true", help=translate("Cli", "skip the UDP DNS test"))
    parser.add_argument("--doh", default=None, metavar="URL")
    parser.add_argument("--no-doh", action="store_true", help=translate("Cli", "skip DNS-over-HTTPS"))
    parser.add_argument(
        "--no-system-resolver",
        action="store_true",
        help=translate("Cli", "use the --resolver answers instead of the system's"),
    )
    parser.add_argument(
        "--relay",
        type=_relay,
        action="append",
        default=None,
        metavar="NAME=IP:PORT",
        help=translate("Cli", "a Tor relay to test instead of the directory authorities (repeatable)"),
    )
    parser.add_argument("--no-tor", action="store_true", help=translate("Cli", "do not test the Tor network"))
    parser.add_argument("--timeout", type=float, default=10.0, help=translate("Cli", "seconds per step"))
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--residual-window",
        type=float,
        default=90.0,
        metavar="SECONDS",
        help=translate("Cli", "after a suspected trigger, leave that address and port alone this long"),
    )
    parser.add_argument(
        "--seed", type=int, default=None, help=translate("Cli", "a fixed random order, to repeat a run")
    )
    parser.add_argument(
        "--accept-risks",
        action="store_true",
        help=translate("Cli", "consent to the tests without a prompt (for scripts)"),
    )
