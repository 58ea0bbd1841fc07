"""Turn what went wrong into OONI's failure strings (df-007), so results join OONI's data set."""

from __future__ import annotations

import errno
import socket
import ssl

GENERIC_TIMEOUT = "generic_timeout_error"
CONNECTION_REFUSED = "connection_refused"
CONNECTION_RESET = "connection_reset"
EOF_ERROR = "eof_error"
HOST_UNREACHABLE = "host_unreachable"
NETWORK_UNREACHABLE = "network_unreachable"
SSL_INVALID_HOSTNAME = "ssl_invalid_hostname"
SSL_UNKNOWN_AUTHORITY = "ssl_unknown_authority"
SSL_INVALID_CERTIFICATE = "ssl_invalid_certificate"
SSL_FAILED_HANDSHAKE = "ssl_failed_handshake"
DNS_NXDOMAIN = "dns_nxdomain_error"
DNS_SERVFAIL = "dns_servfail_error"
DNS_REFUSED = "dns_refused_error"
DNS_NO_ANSWER = "dns_no_answer"
DNS_TEMPORARY = "dns_temporary_failure"
DNS_BOGUS_REPLY = "dns_reply_with_wrong_query_id"
DNS_MALFORMED = "dns_malformed_reply"
HTTP_INVALID_REPLY = "http_invalid_reply"
HTTP_TOO_MANY_REDIRECTS = "http_request_failed_too_many_redirects"
SKIPPED_RESIDUAL_WINDOW = "skipped_residual_window"  # Byway's own: not sent, see measure.pacing

_ERRNO_FAILURES = {
    errno.ECONNREFUSED: CONNECTION_REFUSED,
    errno.ECONNRESET: CONNECTION_RESET,
    errno.ECONNABORTED: "connection_aborted",
    errno.EPIPE: CONNECTION_RESET,
    errno.EHOSTUNREACH: HOST_UNREACHABLE,
    errno.ENETUNREACH: NETWORK_UNREACHABLE,
    errno.ETIMEDOUT: GENERIC_TIMEOUT,
    errno.EADDRNOTAVAIL: "address_not_available",
    errno.EPROTO: "protocol_error",
}

_GAI_FAILURES = {
    socket.EAI_NONAME: DNS_NXDOMAIN,
    socket.EAI_AGAIN: DNS_TEMPORARY,
    socket.EAI_FAIL: DNS_SERVFAIL,
}
if hasattr(socket, "EAI_NODATA"):
    _GAI_FAILURES[socket.EAI_NODATA] = DNS_NO_ANSWER


def classify(exc: BaseException) -> str:
    """Name a failure the way OONI does.

    >>> classify(TimeoutError())
    'generic_timeout_error'
    >>> classify(ConnectionResetError(104, "reset"))
    'connection_reset'
    >>> classify(ssl.SSLCertVerificationError(1, "hostname mismatch"))
    'ssl_invalid_hostname'
    """
    if isinstance(exc, TimeoutError | socket.timeout):
        return GENERIC_TIMEOUT
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = str(exc).lower()
        if "hostname" in text or "ip address mismatch" in text:
            return SSL_INVALID_HOSTNAME
        if "unable to get local issuer" in text or "self-signed" in text or "self signed" in text:
            return SSL_UNKNOWN_AUTHORITY
        return SSL_INVALID_CERTIFICATE
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return EOF_ERROR
    if isinstance(exc, ssl.SSLError):
        text = str(exc).lower()
        if "reset" in text:
            return CONNECTION_RESET
        return SSL_FAILED_HANDSHAKE
    if isinstance(exc, socket.gaierror):
        return _GAI_FAILURES.get(exc.errno or 0, DNS_TEMPORARY)
    if isinstance(exc, ConnectionResetError):
        return CONNECTION_RESET
    if isinstance(exc, ConnectionRefusedError):
        return CONNECTION_REFUSED
    if isinstance(exc, EOFError | ConnectionAbortedError):
        return EOF_ERROR
    if isinstance(exc, OSError) and exc.errno in _ERRNO_FAILURES:
        return _ERRNO_FAILURES[exc.errno]
    if isinstance(exc, OSError):
        return f"unknown_failure: {exc.strerror or type(exc).__name__}"
    return f"unknown_failure: {type(exc).__name__}"


def classify_chain(exc: BaseException) -> str:
    """Name the socket-level cause buried in a library's exception (httpx, anyio, exception groups).

    Libraries wrap the operating system's error (a refused connection becomes "All connection
    attempts failed"); the measurement wants the original, so follow causes, contexts and groups.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, TimeoutError | socket.timeout | ssl.SSLError):
            return classify(current)
        if isinstance(current, OSError) and current.errno is not None:
            return classify(current)
        pending.extend(getattr(current, "exceptions", ()))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return classify(exc)
