"""Byway's results as OONI measurements (df-000 base format, web_connectivity test keys).

Speaking OONI's format lets a user, a trainer or a researcher put Byway's evidence next to the
world's largest censorship data set and read it with OONI's tools. Every document is scrubbed of the
user's address before it leaves this module, and none leaves if scrubbing failed.
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from enum import Enum

from byway import __version__
from byway.analyze.analysis import Analysis
from byway.analyze.findings import Finding
from byway.analyze.summary import TargetResult
from byway.measure.observations import (
    Control,
    DnsQuery,
    HttpRequest,
    Observation,
    TcpConnect,
    TlsHandshake,
)
from byway.report.scrub import SCRUBBED_PROBE_IP, JsonValue, Scrubber, encode_body

DATA_FORMAT_VERSION = "0.2.0"
TEST_NAME = "web_connectivity"
TEST_VERSION = "0.4.3"
"""The legacy web_connectivity whose keys (blocking, accessible, ...) Byway emits."""
SOFTWARE_NAME = "byway"


@dataclass(frozen=True)
class ProbeContext:
    """Where the measurement was taken, and what must never appear in it.

    ``probe_ip`` is the user's own address: it is scrubbed everywhere (``scrub`` adds more addresses)
    and the published ``probe_ip`` is always ``127.0.0.1``. ASN and resolver are sensitive too; they
    default to OONI's "unknown" values and are only filled when the user opts in.
    """

    probe_ip: str = ""
    scrub: tuple[str, ...] = ()
    probe_asn: str = "AS0"
    probe_cc: str = "ZZ"
    probe_network_name: str = ""
    resolver_ip: str = ""
    resolver_asn: str = "AS0"
    resolver_network_name: str = ""

    @property
    def scrubber(self) -> Scrubber:
        return Scrubber.for_addresses(self.probe_ip, self.scrub)


def ooni_time(moment: datetime) -> str:
    """OONI's timestamp: ``YYYY-MM-DD HH:MM:SS`` in UTC (naive times are taken as UTC).

    >>> ooni_time(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    '2026-01-02 03:04:05'
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def report_id(started_at: datetime, context: ProbeContext, token: str) -> str:
    """An OONI-style report id; ``token`` is the caller's random part (kept out for purity).

    >>> report_id(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), ProbeContext(), "abc")
    '20260102T030405Z_webconnectivity_ZZ_0_n1_abc'
    """
    aware = started_at if started_at.tzinfo is not None else started_at.replace(tzinfo=UTC)
    stamp = aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    asn = context.probe_asn.removeprefix("AS") or "0"
    return f"{stamp}_webconnectivity_{context.probe_cc}_{asn}_n1_{token}"


def _asn_of(observation: Observation, address: str) -> int:
    info = observation.control.ip_info.get(address) if observation.control is not None else None
    return info.asn if info is not None else 0


def _query(observation: Observation, query: DnsQuery) -> JsonValue:
    answers: list[JsonValue] = []
    families = set()
    for address in query.addresses:
        version = ipaddress.ip_address(address).version if _is_ip(address) else 0
        families.add(version)
        key, kind = ("ipv6", "AAAA") if version == 6 else ("ipv4", "A")
        answers.append(
            {"answer_type": kind, key: address, "asn": _asn_of(observation, address), "as_org_name": ""}
        )
    query_type = "ANY" if len(families) > 1 else ("AAAA" if families == {6} else "A")
    return {
        "hostname": query.hostname,
        "query_type": query_type,
        "engine": query.engine.value,
        "resolver_address": query.resolver,
        "failure": query.failure,
        "answers": answers,
        "t": query.elapsed_s,
    }


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _tcp(observation: Observation, connect: TcpConnect) -> JsonValue:
    theirs = observation.control.tcp_connect.get(str(connect.endpoint)) if observation.control else None
    blocked = None if theirs is None else (connect.failure is not None and theirs.success)
    return {
        "ip": connect.endpoint.ip,
        "port": connect.endpoint.port,
        "status": {"success": connect.failure is None, "failure": connect.failure, "blocked": blocked},
        "t": connect.elapsed_s,
    }


def _tls(handshake: TlsHandshake) -> JsonValue:
    certificates: list[JsonValue] = [
        {"format": "base64", "data": base64.b64encode(der).decode("ascii")}
        for der in handshake.peer_certificates
    ]
    return {
        "address": str(handshake.endpoint),
        "server_name": handshake.server_name or "",
        "tls_version": handshake.tls_version or "",
        "failure": handshake.failure,
        "peer_certificates": certificates,
        "no_tls_verify": False,
        "t": handshake.elapsed_s,
        "x_sni_role": handshake.role.value,
        "x_handshake_completed": handshake.handshake_completed,
    }


def _request(http: HttpRequest, scrubber: Scrubber) -> JsonValue:
    response: JsonValue = {}
    if http.response is not None:
        r = http.response
        response = {
            "body": encode_body(r.body, scrubber),
            "body_is_truncated": r.body_truncated,
            "code": r.status_code,
            "headers": {name: value for name, value in r.headers},
            "headers_list": [[name, value] for name, value in r.headers],
        }
    return {
        "failure": http.failure,
        "request": {"url": http.url, "method": "GET", "headers": {}, "body": "", "tor": {"is_tor": False}},
        "response": response,
        "t": http.elapsed_s,
        "x_redirects": list(http.redirects),
    }


def _control(control: Control | None) -> JsonValue:
    if control is None:
        return {}
    http = control.http_request
    return {
        "dns": {"failure": control.dns.failure, "addrs": list(control.dns.addresses)},
        "tcp_connect": {
            k: {"status": v.success, "failure": v.failure} for k, v in control.tcp_connect.items()
        },
        "tls_handshake": {
            k: {"server_name": v.server_name, "status": v.success, "failure": v.failure}
            for k, v in control.tls_handshake.items()
        },
        "http_request": {
            "body_length": http.body_length,
            "failure": http.failure,
            "title": http.title,
            "headers": {name: value for name, value in http.headers},
            "status_code": http.status_code,
        },
        "ip_info": {ip: {"asn": info.asn, "flags": info.flags} for ip, info in control.ip_info.items()},
    }


def _plain(value: object) -> JsonValue:
    """A dataclass/enum/tuple tree as JSON-ready values (for Byway's own extension keys)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return str(value)


def _finding(finding: Finding) -> JsonValue:
    return {
        "technique": finding.technique.value,
        "subject": finding.subject,
        "evidence": _plain(finding.evidence),
    }


def web_connectivity_keys(result: TargetResult, context: ProbeContext) -> dict[str, JsonValue]:
    """web_connectivity's test keys for one target (not yet scrubbed).

    (Not named ``test_keys``, so that pytest never mistakes an import of it for a test.)
    """
    observation, verdict = result.observation, result.verdict
    scrubber = context.scrubber
    return {
        "agent": "redirect",
        "client_resolver": context.resolver_ip,
        "retries": None,
        "socksproxy": None,
        "queries": [_query(observation, q) for q in observation.queries],
        "tcp_connect": [_tcp(observation, c) for c in observation.tcp_connect],
        "tls_handshakes": [_tls(h) for h in observation.tls_handshakes],
        "requests": [_request(observation.http, scrubber)] if observation.http is not None else [],
        "control": _control(observation.control),
        "control_failure": verdict.control_failure,
        "dns_experiment_failure": verdict.dns_experiment_failure,
        "http_experiment_failure": verdict.http_experiment_failure,
        "dns_consistency": verdict.dns_consistency.value if verdict.dns_consistency is not None else None,
        "body_length_match": verdict.body_length_match,
        "body_proportion": verdict.body_proportion if verdict.body_proportion is not None else 0.0,
        "status_code_match": verdict.status_code_match,
        "headers_match": verdict.headers_match,
        "title_match": verdict.title_match,
        "blocking": verdict.blocking,
        "accessible": verdict.accessible,
        "x_blocking_flags": int(verdict.blocking_flags),
        "x_dns_flags": int(verdict.dns_flags),
        "x_byway_findings": [_finding(f) for f in result.findings],
        "x_pacing_skips": [{"endpoint": str(s.endpoint), "reason": s.reason} for s in observation.skipped],
    }


def measurement(
    result: TargetResult,
    context: ProbeContext,
    *,
    report_id: str,
    test_start_time: datetime,
    test_helper: str = "",
    annotations: Mapping[str, str] | None = None,
) -> dict[str, JsonValue]:
    """One OONI measurement for one target, scrubbed; raises ``ScrubbingFailed`` rather than leak."""
    observation = result.observation
    notes: dict[str, JsonValue] = {"engine_name": SOFTWARE_NAME, "engine_version": __version__}
    notes.update(annotations or {})
    document: dict[str, JsonValue] = {
        "annotations": notes,
        "data_format_version": DATA_FORMAT_VERSION,
        "extensions": {
            "dnst": 0,
            "httpt": 0,
            "netevents": 0,
            "tcpconnect": 0,
            "tlshandshake": 0,
            "tunnel": 0,
        },
        "input": observation.target.url,
        "measurement_start_time": ooni_time(observation.started_at),
        "probe_asn": context.probe_asn,
        "probe_cc": context.probe_cc,
        "probe_network_name": context.probe_network_name,
        "report_id": report_id,
        "resolver_asn": context.resolver_asn,
        "resolver_ip": context.resolver_ip,
        "resolver_network_name": context.resolver_network_name,
        "software_name": SOFTWARE_NAME,
        "software_version": __version__,
        "test_helpers": {"backend": {"address": test_helper, "type": "https"}} if test_helper else {},
        "test_keys": web_connectivity_keys(result, context),
        "test_name": TEST_NAME,
        "test_runtime": observation.runtime_s,
        "test_start_time": ooni_time(test_start_time),
        "test_version": TEST_VERSION,
    }
    scrubbed = context.scrubber.scrub(document)
    scrubbed["probe_ip"] = SCRUBBED_PROBE_IP
    return dict(sorted(scrubbed.items()))


def measurements(
    analysis: Analysis, context: ProbeContext, *, report_id: str, annotations: Mapping[str, str] | None = None
) -> Iterable[dict[str, JsonValue]]:
    """One measurement per target of a diagnosis, in order (each scrubbed, or raising)."""
    for result in analysis.results:
        yield measurement(
            result,
            context,
            report_id=report_id,
            test_start_time=analysis.diagnosis.started_at,
            test_helper=analysis.diagnosis.test_helper,
            annotations=annotations,
        )


def summary_line(analysis: Analysis, context: ProbeContext, *, report_id: str) -> dict[str, JsonValue]:
    """One line that sums up the run (Byway's own record, written after the measurements)."""
    summary, results = analysis.summary, analysis.results
    techniques: dict[str, JsonValue] = {
        t.technique.value: t.targets for layer in summary.layers for t in layer.techniques
    }
    document: dict[str, JsonValue] = {
        "report_id": report_id,
        "software_name": SOFTWARE_NAME,
        "software_version": __version__,
        "test_name": TEST_NAME,
        "test_start_time": ooni_time(analysis.diagnosis.started_at),
        "test_runtime": analysis.diagnosis.runtime_s,
        "probe_asn": context.probe_asn,
        "probe_cc": context.probe_cc,
        "measurements": len(results),
        "accessible": sum(1 for r in results if r.verdict.accessible is True),
        "blocked": summary.blocked_targets,
        "down": summary.down_targets,
        "undetermined": sum(1 for r in results if r.verdict.accessible is None),
        "internet": summary.internet,
        "tor": summary.tor.value,
        "tor_relays_reachable": summary.relays_reachable,
        "tor_relays_tested": summary.relays_tested,
        "interfered_layers": [layer.value for layer in summary.interfered_layers],
        "techniques": techniques,
        "pacing_skips": summary.skipped_probes,
    }
    return context.scrubber.scrub(document)
