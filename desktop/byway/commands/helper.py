"""``byway helper --listen HOST:PORT``: run an uncensored control (OONI's test-helper protocol)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ssl
import sys
from pathlib import Path

from byway.i18n import translate
from byway.measure.observations import Endpoint
from byway.testhelper.server import HelperConfig, serve


def _listen_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` where HOST may be a name (``localhost``) or an address (``[::1]`` for IPv6)."""
    host, _, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise argparse.ArgumentTypeError(translate("Cli", "expected HOST:PORT, for example 127.0.0.1:8080"))
    return host, int(port)


def _resolver(text: str) -> Endpoint:
    try:
        return Endpoint.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            translate("Cli", "expected IP:PORT, for example 127.0.0.1:53")
        ) from None


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
    parser.set_defaults(func=run_helper)


def run_helper(args: argparse.Namespace) -> int:
    host, port = args.listen
    config = HelperConfig(step_timeout_s=args.timeout, resolver=args.resolver)
    tls: ssl.SSLContext | None = None
    if args.tls_cert is not None or args.tls_key is not None:
        if args.tls_cert is None or args.tls_key is None:
            print(translate("Cli", "--tls-cert and --tls-key go together."), file=sys.stderr)
            return 2
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            tls.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as exc:
            print(
                translate("Cli", "Cannot use that certificate and key: {reason}").format(reason=exc),
                file=sys.stderr,
            )
            return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(host, port, config, tls))
    return 0
