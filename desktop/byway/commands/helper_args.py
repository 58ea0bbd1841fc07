"""``byway helper``'s arguments, kept apart from the command so that building the CLI's parser does
not import the test helper's server: :mod:`byway.commands.helper` is imported only when it runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from byway.i18n import translate

if TYPE_CHECKING:
    from byway.measure.observations import Endpoint


def _listen_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` where HOST may be a name (``localhost``) or an address (``[::1]`` for IPv6)."""
    host, _, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise argparse.ArgumentTypeError(translate("Cli", "expected HOST:PORT, for example 127.0.0.1:8080"))
    return host, int(port)


def _resolver(text: str) -> Endpoint:
    from byway.measure.observations import Endpoint

    try:
        return Endpoint.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            translate("Cli", "expected IP:PORT, for example 127.0.0.1:53")
        ) from None


def _run(args: argparse.Namespace) -> int:
    """:func:`byway.commands.helper.run_helper`, imported only when the command runs."""
    from byway.commands.helper import run_helper

    return run_helper(args)


def add_helper_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "helper",
        help=translate("Cli", "run a web-connectivity test helper (an uncensored control)"),
        description=translate(
            "Cli",
            "Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare "
            "what they see with what this network sees. Run it only on an uncensored network.",
        ),
    )
    parser.add_argument("--listen", type=_listen_address, default=("127.0.0.1", 8080), metavar="HOST:PORT")
    parser.add_argument(
        "--resolver",
        type=_resolver,
        default=None,
        metavar="IP:PORT",
        help=translate("Cli", "resolve names with this DNS server instead of the system resolver"),
    )
    parser.add_argument("--timeout", type=float, default=10.0, help=translate("Cli", "seconds per step"))
    parser.add_argument(
        "--tls-cert",
        type=Path,
        metavar="FILE",
        help=translate("Cli", "serve HTTPS with this certificate (PEM), so probes' requests are encrypted"),
    )
    parser.add_argument(
        "--tls-key", type=Path, metavar="FILE", help=translate("Cli", "its private key (PEM)")
    )
    parser.set_defaults(func=_run)
