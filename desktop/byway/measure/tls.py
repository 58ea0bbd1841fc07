"""TLS handshake probes, with the real server name, a benign one, or none.

A censor that filters by SNI lets the TCP connection through and kills the handshake when the
ClientHello names a forbidden site. Repeating the handshake to the *same* address with another name
tells whether the name or the address is the trigger.
"""

from __future__ import annotations

import asyncio
import ssl
import time

from byway.measure import failures
from byway.measure.observations import Endpoint, SniRole, TlsHandshake
from byway.measure.tcp import close_quietly, open_tcp
from byway.measure.trust import non_verifying_context, verifying_context


async def probe_tls(
    endpoint: Endpoint,
    server_name: str | None,
    role: SniRole,
    *,
    timeout_s: float,
    verify: bool | None = None,
    context: ssl.SSLContext | None = None,
) -> TlsHandshake:
    """Connect and handshake; the certificate is verified for the real name only (by default).

    A certificate error still means the server answered the handshake: ``handshake_completed`` is
    then true and the failure names the certificate problem.
    """
    if verify is None:
        verify = role is SniRole.REAL and server_name is not None
    if context is None:
        context = verifying_context() if verify else non_verifying_context()
    start = time.monotonic()
    try:
        _, writer = await open_tcp(endpoint, timeout_s=timeout_s)
    except (OSError, TimeoutError) as exc:
        return TlsHandshake(
            endpoint, server_name, role, failures.classify(exc), False, time.monotonic() - start
        )
    try:
        async with asyncio.timeout(max(0.0, timeout_s - (time.monotonic() - start))):
            await writer.start_tls(context, server_hostname=server_name, ssl_handshake_timeout=timeout_s)
    except ssl.SSLCertVerificationError as exc:
        elapsed = time.monotonic() - start
        writer.transport.abort()
        return TlsHandshake(endpoint, server_name, role, failures.classify(exc), True, elapsed)
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        elapsed = time.monotonic() - start
        writer.transport.abort()  # a failed handshake owes the peer no goodbye
        return TlsHandshake(endpoint, server_name, role, failures.classify(exc), False, elapsed)
    elapsed = time.monotonic() - start
    ssl_object = writer.get_extra_info("ssl_object")
    version: str | None = None
    certificates: tuple[bytes, ...] = ()
    if isinstance(ssl_object, ssl.SSLObject):
        version = ssl_object.version()
        der = ssl_object.getpeercert(binary_form=True)
        certificates = (der,) if der else ()
    await close_quietly(writer)
    return TlsHandshake(endpoint, server_name, role, None, True, elapsed, version, certificates)
