"""Findings and the network summary in plain words, in the user's language.

Everything here goes through :func:`byway.i18n.translate` with the context ``"Findings"`` before it
is formatted, so translators see whole sentences with named placeholders. This is the edge: the
values in :mod:`byway.analyze.findings` and :mod:`byway.analyze.summary` carry no words.
"""

from __future__ import annotations

from byway.analyze.findings import Evidence, Finding, Layer, Sign, Technique
from byway.analyze.summary import NetworkSummary, TorReachability
from byway.i18n import translate
from byway.measure.observations import DnsEngine, SniRole

CONTEXT = "Findings"


def _t(text: str) -> str:
    return translate(CONTEXT, text)


def failure_words(failure: str | None) -> str:
    """An OONI failure string as a person would say it.

    >>> failure_words("connection_reset"), failure_words("dns_nxdomain_error")
    ('reset', 'NXDOMAIN (no such name)')
    """
    words = {
        "dns_nxdomain_error": _t("NXDOMAIN (no such name)"),
        "dns_servfail_error": _t("SERVFAIL (server failure)"),
        "dns_refused_error": _t("REFUSED"),
        "dns_no_answer": _t("no answer"),
        "dns_bogon_error": _t("a bogon address"),
        "generic_timeout_error": _t("timeout"),
        "connection_reset": _t("reset"),
        "connection_refused": _t("refused"),
        "eof_error": _t("connection closed"),
        "host_unreachable": _t("host unreachable"),
        "ssl_invalid_hostname": _t("certificate for another name"),
        "ssl_unknown_authority": _t("certificate from an unknown authority"),
        "ssl_invalid_certificate": _t("invalid certificate"),
        "ssl_failed_handshake": _t("failed handshake"),
    }
    if failure is None:
        return _t("success")
    return words.get(failure, failure)


def _resolver(evidence: Evidence) -> str:
    if evidence.engine is DnsEngine.SYSTEM or (evidence.engine is None and not evidence.resolver):
        return _t("the ISP resolver")
    if evidence.engine is DnsEngine.DOH:
        return _t("the encrypted resolver {resolver}").format(resolver=evidence.resolver)
    return _t("the resolver {resolver}").format(resolver=evidence.resolver)


def _list(addresses: tuple[str, ...]) -> str:
    return ", ".join(addresses) if addresses else _t("nothing")


def _countries(countries: tuple[str, ...]) -> str:
    return ", ".join(countries) if countries else _t("country unknown")


def _dns_injection(f: Finding) -> str:
    e = f.evidence
    values = {
        "resolver": _resolver(e),
        "subject": f.subject,
        "addresses": _list(e.addresses),
        "control": _list(e.control_addresses),
        "late": _list(e.late_addresses),
        "fingerprint": e.fingerprint,
        "countries": _countries(e.countries),
    }
    if e.sign is Sign.BOGON and e.fingerprint:
        text = _t(
            "DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address"
            " ({fingerprint}, {countries}); the control found {control}"
        )
    elif e.sign is Sign.KNOWN_INJECTOR:
        text = _t(
            "DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address"
            " ({fingerprint}, {countries}); the control found {control}"
        )
    elif e.sign is Sign.RACING_REPLY:
        text = _t(
            "DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late};"
            " an injector raced the genuine resolver"
        )
    elif e.sign is Sign.BOGON:
        text = _t("DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}")
    else:
        text = _t(
            "DNS injection: {resolver} answered {addresses} for {subject}; the control found {control},"
            " on another network"
        )
    return text.format(**values)


def _tls(f: Finding) -> str:
    e = f.evidence
    endpoint = str(e.endpoint) if e.endpoint is not None else ""
    values = {"subject": f.subject, "failure": failure_words(e.failure), "endpoint": endpoint}
    if f.technique is Technique.TLS_SNI_FILTERING:
        if e.benign_role is SniRole.NONE:
            text = _t(
                "TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a"
                " handshake without a name"
            )
        else:
            text = _t(
                "TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a"
                " handshake for a benign name"
            )
    elif e.sign is Sign.INVALID_CERTIFICATE:
        text = _t(
            "TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure};"
            " the control's handshake validates"
        )
    else:
        text = _t(
            "TLS interference: every handshake with {endpoint} for {subject} ends in {failure},"
            " though TCP connects"
        )
    return text.format(**values)


def _http(f: Finding) -> str:
    e = f.evidence
    if f.technique is Technique.HTTP_BLOCKPAGE:
        text = _t("HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})")
        return text.format(subject=f.subject, fingerprint=e.fingerprint, countries=_countries(e.countries))
    if f.technique is Technique.HTTP_DIFF:
        proportion = (
            _t("{percent}% of its length").format(percent=round(e.body_proportion * 100))
            if e.body_proportion is not None
            else _t("length not compared")
        )
        text = _t(
            "HTTP diff: the page for {subject} differs from the control's (status {status} vs"
            " {control_status}, {proportion}); no known blockpage"
        )
        return text.format(
            subject=f.subject,
            status=e.status_code if e.status_code is not None else "-",
            control_status=e.control_status_code if e.control_status_code is not None else "-",
            proportion=proportion,
        )
    text = _t("HTTP failure: fetching {subject} failed ({failure}); the control fetched it")
    return text.format(subject=f.subject, failure=failure_words(e.failure))


def describe(finding: Finding) -> str:
    """One finding as one sentence, naming the technique first and then the evidence."""
    e, subject = finding.evidence, finding.subject
    failure = failure_words(e.failure)
    endpoint = str(e.endpoint) if e.endpoint is not None else subject
    technique = finding.technique
    if technique is Technique.DNS_BLOCKING:
        text = _t(
            "DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}"
        )
        return text.format(
            resolver=_resolver(e), failure=failure, subject=subject, control=_list(e.control_addresses)
        )
    if technique is Technique.DNS_INJECTION:
        return _dns_injection(finding)
    if technique is Technique.DOH_BLOCKED:
        text = _t(
            "Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})"
        )
        return text.format(subject=subject, failure=failure)
    if technique is Technique.IP_BLACKHOLE:
        if e.failure == "generic_timeout_error":
            text = _t("IP black hole: connecting to {endpoint} times out; the control connects")
        else:
            text = _t("IP blocking: connecting to {endpoint} fails ({failure}); the control connects")
        return text.format(endpoint=endpoint, failure=failure)
    if technique is Technique.TCP_RESET:
        if e.sign is Sign.RESET_AFTER_DATA:
            text = _t(
                "TCP reset injection: the connection for {subject} was reset after the request was sent"
            )
        else:
            text = _t("TCP reset injection: the connection to {endpoint} was {failure}; the control connects")
        return text.format(subject=subject, endpoint=endpoint, failure=failure)
    if finding.layer is Layer.TLS:
        return _tls(finding)
    if finding.layer is Layer.HTTP:
        return _http(finding)
    if technique is Technique.SITE_DOWN:
        text = _t("Site down: {subject} fails from outside too ({failure}); this is not censorship")
        return text.format(subject=subject, failure=failure)
    text = _t(
        "Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after"
        " a trigger"
    )
    return text.format(subject=subject)


LAYER_NAMES = {Layer.DNS: "DNS", Layer.TCP_IP: "TCP/IP", Layer.TLS: "TLS", Layer.HTTP: "HTTP"}


def technique_name(technique: Technique) -> str:
    names = {
        Technique.DNS_BLOCKING: _t("DNS blocking"),
        Technique.DNS_INJECTION: _t("DNS injection"),
        Technique.DOH_BLOCKED: _t("encrypted DNS blocked"),
        Technique.IP_BLACKHOLE: _t("IP black hole"),
        Technique.TCP_RESET: _t("TCP reset injection"),
        Technique.TLS_SNI_FILTERING: _t("TLS SNI filtering"),
        Technique.TLS_INTERFERENCE: _t("TLS interference"),
        Technique.HTTP_BLOCKPAGE: _t("HTTP blockpage"),
        Technique.HTTP_DIFF: _t("HTTP diff"),
        Technique.HTTP_FAILURE: _t("HTTP failure"),
        Technique.SITE_DOWN: _t("site down"),
        Technique.PACING_SKIP: _t("not tested (pacing)"),
    }
    return names[technique]


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return _t("{first} and {last}").format(first=", ".join(phrases[:-1]), last=phrases[-1])


def headline(summary: NetworkSummary) -> str:
    """One sentence a person can act on, e.g. "Your network blocks Tor and tampers with DNS.\""""
    if not summary.internet:
        return _t(
            "No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays."
            " This looks like a shutdown or an outage, not censorship of particular sites."
        )
    phrases: list[str] = []
    if summary.tor_blocked:
        phrases.append(_t("blocks Tor"))
    layer_phrases = {
        Layer.DNS: _t("tampers with DNS"),
        Layer.TCP_IP: _t("blocks some addresses"),
        Layer.TLS: _t("filters encrypted connections by name")
        if Technique.TLS_SNI_FILTERING in summary.techniques()
        else _t("interferes with encrypted connections"),
        Layer.HTTP: _t("tampers with web pages"),
    }
    phrases.extend(layer_phrases[layer] for layer in summary.interfered_layers)
    if phrases:
        return _t("Your network {actions}.").format(actions=_join(phrases))
    if summary.tor is TorReachability.PARTLY_BLOCKED:
        return _t("We found no censorship of the sites tested, but some Tor relays could not be reached.")
    return _t("We found no sign of censorship on this network.")


def layer_line(summary: NetworkSummary, layer: Layer) -> str:
    """One line per layer for the summary block: interfered or not, how, on how many targets."""
    layer_summary = summary.layer(layer)
    if not layer_summary.interfered:
        return _t("{layer}: no interference seen").format(layer=LAYER_NAMES[layer])
    how = ", ".join(
        _t("{technique} ({count} of {total} targets)").format(
            technique=technique_name(t.technique), count=t.targets, total=summary.targets
        )
        for t in layer_summary.techniques
    )
    return _t("{layer}: interfered with: {how}").format(layer=LAYER_NAMES[layer], how=how)


def tor_line(summary: NetworkSummary) -> str:
    texts = {
        TorReachability.NOT_TESTED: _t("Tor: directory authorities not tested"),
        TorReachability.REACHABLE: _t("Tor: all {tested} directory authorities answer"),
        TorReachability.PARTLY_BLOCKED: _t("Tor: {reachable} of {tested} directory authorities answer"),
        TorReachability.BLOCKED_BY_ADDRESS: _t(
            "Tor: blocked by address: none of {tested} directory authorities accepts a connection,"
            " while websites work"
        ),
        TorReachability.BLOCKED_BY_PROTOCOL: _t(
            "Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake"
            " completes"
        ),
        TorReachability.UNREACHABLE: _t("Tor: no directory authority answers, like everything else"),
    }
    return texts[summary.tor].format(reachable=summary.relays_reachable, tested=summary.relays_tested)
