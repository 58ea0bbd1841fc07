"""``byway helper --listen HOST:PORT``: run an uncensored control (OONI's test-helper protocol).

The arguments are defined in :mod:`byway.commands.helper_args`, which the CLI imports instead of
this module; ``add_helper_parser`` stays importable from here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ssl
import sys

from byway.commands.helper_args import add_helper_parser as add_helper_parser
from byway.i18n import translate
from byway.testhelper.server import HelperConfig, serve


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
