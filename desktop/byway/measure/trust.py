"""Which certificates Byway trusts when it verifies a TLS server.

``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` are honoured explicitly (the censorship lab trusts its own CA
that way, and portable bundles point them at a shipped bundle); otherwise the system's store.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping


def verifying_context(env: Mapping[str, str] | None = None) -> ssl.SSLContext:
    """A client context that checks certificates and host names against the trusted store."""
    env = os.environ if env is None else env
    cafile = env.get("SSL_CERT_FILE") or None
    capath = env.get("SSL_CERT_DIR") or None
    context = ssl.create_default_context(cafile=cafile, capath=capath)
    if cafile is None and capath is None:
        context.load_default_certs()
    return context


def non_verifying_context() -> ssl.SSLContext:
    """A client context that completes a handshake whatever the certificate says.

    Used only to learn whether a server *answers* a handshake (attributing SNI filtering), never to
    trust what it says.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
