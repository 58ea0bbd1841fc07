"""The JSON shapes of the test-helper protocol, and their conversion to Byway's typed values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from byway.measure import failures
from byway.measure.observations import (
    Control,
    ControlDns,
    ControlHttp,
    ControlIpInfo,
    ControlTcp,
    ControlTls,
)

# oohelperd names DNS failures its own way; the probe side uses df-007 names.
_HELPER_DNS_TO_PROBE = {
    "dns_name_error": failures.DNS_NXDOMAIN,
    "dns_no_answer": failures.DNS_NO_ANSWER,
    "dns_server_failure": failures.DNS_SERVFAIL,
}
PROBE_DNS_TO_HELPER = {
    failures.DNS_NXDOMAIN: "dns_name_error",
    failures.DNS_NO_ANSWER: "dns_no_answer",
    failures.DNS_SERVFAIL: "dns_server_failure",
    failures.DNS_TEMPORARY: "dns_server_failure",
}

MAX_ENDPOINTS = 16


class ProtocolError(ValueError):
    """A request or a response that does not follow the protocol."""


def build_request(url: str, endpoints: Sequence[str], user_agent: str) -> dict[str, Any]:
    """The probe's request body.

    >>> build_request("https://example.org/", ["192.0.2.1:443"], "UA")["tcp_connect"]
    ['192.0.2.1:443']
    """
    return {
        "http_request": url,
        "http_request_headers": {"User-Agent": [user_agent], "Accept-Language": ["en-US;q=0.8"]},
        "tcp_connect": list(endpoints)[:MAX_ENDPOINTS],
        "x_quic_enabled": False,
    }


def _str_or_none(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ProtocolError(f"{what} must be a string or null")


def _section(root: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """An optional object member: absent or null is empty, anything but an object is an error."""
    value = root.get(key)
    return {} if value is None else _mapping(value, key)


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError(f"{what} must be an object")
    return value


def _headers(value: object) -> tuple[tuple[str, str], ...]:
    items = _mapping(value or {}, "headers")
    out: list[tuple[str, str]] = []
    for name, header in items.items():
        if isinstance(header, list):
            header = header[0] if header else ""
        out.append((str(name), str(header)))
    return tuple(out)


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if value is None:
            return 0
        raise ProtocolError(f"{what} must be an integer")
    return value


def parse_response(body: object) -> Control:
    """Turn a helper's JSON answer into a :class:`Control`; raise :class:`ProtocolError` if malformed."""
    root = _mapping(body, "response")
    dns = _section(root, "dns")
    dns_failure = _str_or_none(dns.get("failure"), "dns.failure")
    addrs = dns.get("addrs") or []
    if not isinstance(addrs, list) or not all(isinstance(a, str) for a in addrs):
        raise ProtocolError("dns.addrs must be a list of strings")
    tcp: dict[str, ControlTcp] = {}
    for key, item in _section(root, "tcp_connect").items():
        entry = _mapping(item, "tcp_connect entry")
        tcp[str(key)] = ControlTcp(
            bool(entry.get("status")), _str_or_none(entry.get("failure"), "tcp failure")
        )
    tls: dict[str, ControlTls] = {}
    for key, item in _section(root, "tls_handshake").items():
        entry = _mapping(item, "tls_handshake entry")
        tls[str(key)] = ControlTls(
            str(entry.get("server_name") or ""),
            bool(entry.get("status")),
            _str_or_none(entry.get("failure"), "tls failure"),
        )
    http = _section(root, "http_request")
    control_http = ControlHttp(
        failure=_str_or_none(http.get("failure"), "http_request.failure"),
        status_code=_int(http.get("status_code"), "status_code"),
        body_length=_int(http.get("body_length"), "body_length"),
        title=str(http.get("title") or ""),
        headers=_headers(http.get("headers")),
    )
    ip_info: dict[str, ControlIpInfo] = {}
    for ip, item in _section(root, "ip_info").items():
        entry = _mapping(item, "ip_info entry")
        ip_info[str(ip)] = ControlIpInfo(_int(entry.get("asn"), "asn"), _int(entry.get("flags"), "flags"))
    probe_dns_failure = _HELPER_DNS_TO_PROBE.get(dns_failure, dns_failure) if dns_failure else None
    return Control(
        dns=ControlDns(probe_dns_failure, tuple(addrs)),
        tcp_connect=tcp,
        tls_handshake=tls,
        http_request=control_http,
        ip_info=ip_info,
    )


def parse_request(body: object) -> tuple[str, list[str]]:
    """Validate a probe's request; returns (url, endpoints)."""
    root = _mapping(body, "request")
    url = root.get("http_request")
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")) or len(url) > 4096:
        raise ProtocolError("http_request must be an http:// or https:// URL")
    endpoints = root.get("tcp_connect") or []
    if not isinstance(endpoints, list) or not all(isinstance(e, str) for e in endpoints):
        raise ProtocolError("tcp_connect must be a list of strings")
    return url, endpoints[:MAX_ENDPOINTS]
