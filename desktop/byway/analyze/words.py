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


def failure_words(failure: str | None) -> str:
    """An OONI failure string as a person would say it.

    >>> failure_words("connection_reset"), failure_words("dns_nxdomain_error")
    ('reset', 'NXDOMAIN (no such name)')
    """
    words = {
        "dns_nxdomain_error": translate("Findings", "NXDOMAIN (no such name)"),
        "dns_servfail_error": translate("Findings", "SERVFAIL (server failure)"),
        "dns_refused_error": translate("Findings", "REFUSED"),
        "dns_no_answer": translate("Findings", "no answer"),
        "dns_bogon_error": translate("Findings", "a bogon address"),
        "generic_timeout_error": translate("Findings", "timeout"),
        "connection_reset": translate("Findings", "reset"),
        "connection_refused": translate("Findings", "refused"),
        "eof_error": translate("Findings", "connection closed"),
        "host_unreachable": translate("Findings", "host unreachable"),
        "ssl_invalid_hostname": translate("Findings", "certificate for another name"),
        "ssl_unknown_authority": translate("Findings", "certificate from an unknown authority"),
        "ssl_invalid_certificate": translate("Findings", "invalid certificate"),
        "ssl_failed_handshake": translate("Findings", "failed handshake"),
    }
    if failure is None:
        return translate("Findings", "success")
    return words.get(failure, failure)


def _resolver(evidence: Evidence) -> str:
    if evidence.engine is DnsEngine.SYSTEM or (evidence.engine is None and not evidence.resolver):
        return translate("Findings", "the ISP resolver")
    if evidence.engine is DnsEngine.DOH:
        return translate("Findings", "the encrypted resolver {resolver}").format(resolver=evidence.resolver)
    return translate("Findings", "the resolver {resolver}").format(resolver=evidence.resolver)


def _list(addresses: tuple[str, ...]) -> str:
    return ", ".join(addresses) if addresses else translate("Findings", "nothing")


def _countries(countries: tuple[str, ...]) -> str:
    return ", ".join(countries) if countries else translate("Findings", "country unknown")


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
        text = translate(
            "Findings",
            "DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address"
            " ({fingerprint}, {countries}); the control found {control}",
        )
    elif e.sign is Sign.KNOWN_INJECTOR:
        text = translate(
            "Findings",
            "DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address"
            " ({fingerprint}, {countries}); the control found {control}",
        )
    elif e.sign is Sign.RACING_REPLY:
        text = translate(
            "Findings",
            "DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late};"
            " an injector raced the genuine resolver",
        )
    elif e.sign is Sign.BOGON:
        text = translate(
            "Findings", "DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}"
        )
    else:
        text = translate(
            "Findings",
            "DNS injection: {resolver} answered {addresses} for {subject}; the control found {control},"
            " on another network",
        )
    return text.format(**values)


def _tls(f: Finding) -> str:
    e = f.evidence
    endpoint = str(e.endpoint) if e.endpoint is not None else ""
    values = {"subject": f.subject, "failure": failure_words(e.failure), "endpoint": endpoint}
    if f.technique is Technique.TLS_SNI_FILTERING:
        if e.benign_role is SniRole.NONE:
            text = translate(
                "Findings",
                "TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a"
                " handshake without a name",
            )
        else:
            text = translate(
                "Findings",
                "TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a"
                " handshake for a benign name",
            )
    elif e.sign is Sign.INVALID_CERTIFICATE:
        text = translate(
            "Findings",
            "TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure};"
            " the control's handshake validates",
        )
    else:
        text = translate(
            "Findings",
            "TLS interference: every handshake with {endpoint} for {subject} ends in {failure},"
            " though TCP connects",
        )
    return text.format(**values)


def _http(f: Finding) -> str:
    e = f.evidence
    if f.technique is Technique.HTTP_BLOCKPAGE:
        text = translate(
            "Findings", "HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})"
        )
        return text.format(subject=f.subject, fingerprint=e.fingerprint, countries=_countries(e.countries))
    if f.technique is Technique.HTTP_DIFF:
        proportion = (
            translate("Findings", "{percent}% of its length").format(percent=round(e.body_proportion * 100))
            if e.body_proportion is not None
            else translate("Findings", "length not compared")
        )
        text = translate(
            "Findings",
            "HTTP diff: the page for {subject} differs from the control's (status {status} vs"
            " {control_status}, {proportion}); no known blockpage",
        )
        return text.format(
            subject=f.subject,
            status=e.status_code if e.status_code is not None else "-",
            control_status=e.control_status_code if e.control_status_code is not None else "-",
            proportion=proportion,
        )
    text = translate(
        "Findings", "HTTP failure: fetching {subject} failed ({failure}); the control fetched it"
    )
    return text.format(subject=f.subject, failure=failure_words(e.failure))


def describe(finding: Finding) -> str:
    """One finding as one sentence, naming the technique first and then the evidence."""
    e, subject = finding.evidence, finding.subject
    failure = failure_words(e.failure)
    endpoint = str(e.endpoint) if e.endpoint is not None else subject
    technique = finding.technique
    if technique is Technique.DNS_BLOCKING:
        text = translate(
            "Findings",
            "DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}",
        )
        return text.format(
            resolver=_resolver(e), failure=failure, subject=subject, control=_list(e.control_addresses)
        )
    if technique is Technique.DNS_INJECTION:
        return _dns_injection(finding)
    if technique is Technique.DOH_BLOCKED:
        text = translate(
            "Findings",
            "Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})",
        )
        return text.format(subject=subject, failure=failure)
    if technique is Technique.IP_BLACKHOLE:
        if e.failure == "generic_timeout_error":
            text = translate(
                "Findings", "IP black hole: connecting to {endpoint} times out; the control connects"
            )
        else:
            text = translate(
                "Findings", "IP blocking: connecting to {endpoint} fails ({failure}); the control connects"
            )
        return text.format(endpoint=endpoint, failure=failure)
    if technique is Technique.TCP_RESET:
        if e.sign is Sign.RESET_AFTER_DATA:
            text = translate(
                "Findings",
                "TCP reset injection: the connection for {subject} was reset after the request was sent",
            )
        else:
            text = translate(
                "Findings",
                "TCP reset injection: the connection to {endpoint} was {failure}; the control connects",
            )
        return text.format(subject=subject, endpoint=endpoint, failure=failure)
    if finding.layer is Layer.TLS:
        return _tls(finding)
    if finding.layer is Layer.HTTP:
        return _http(finding)
    if technique is Technique.SITE_DOWN:
        text = translate(
            "Findings", "Site down: {subject} fails from outside too ({failure}); this is not censorship"
        )
        return text.format(subject=subject, failure=failure)
    text = translate(
        "Findings",
        "Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after"
        " a trigger",
    )
    return text.format(subject=subject)


LAYER_NAMES = {Layer.DNS: "DNS", Layer.TCP_IP: "TCP/IP", Layer.TLS: "TLS", Layer.HTTP: "HTTP"}


def technique_name(technique: Technique) -> str:
    names = {
        Technique.DNS_BLOCKING: translate("Findings", "DNS blocking"),
        Technique.DNS_INJECTION: translate("Findings", "DNS injection"),
        Technique.DOH_BLOCKED: translate("Findings", "encrypted DNS blocked"),
        Technique.IP_BLACKHOLE: translate("Findings", "IP black hole"),
        Technique.TCP_RESET: translate("Findings", "TCP reset injection"),
        Technique.TLS_SNI_FILTERING: translate("Findings", "TLS SNI filtering"),
        Technique.TLS_INTERFERENCE: translate("Findings", "TLS interference"),
        Technique.HTTP_BLOCKPAGE: translate("Findings", "HTTP blockpage"),
        Technique.HTTP_DIFF: translate("Findings", "HTTP diff"),
        Technique.HTTP_FAILURE: translate("Findings", "HTTP failure"),
        Technique.SITE_DOWN: translate("Findings", "site down"),
        Technique.PACING_SKIP: translate("Findings", "not tested (pacing)"),
    }
    return names[technique]


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    # The list separator is the translator's too: "、" in Chinese, "،" in Farsi and Arabic, "၊" in Burmese.
    first = phrases[0]
    for phrase in phrases[1:-1]:
        first = translate("Findings", "{list}, {item}").format(list=first, item=phrase)
    return translate("Findings", "{first} and {last}").format(first=first, last=phrases[-1])


def headline(summary: NetworkSummary) -> str:
    """One sentence a person can act on, e.g. "Your network blocks Tor and tampers with DNS.\""""
    if not summary.internet:
        return translate(
            "Findings",
            "No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays."
            " This looks like a shutdown or an outage, not censorship of particular sites.",
        )
    phrases: list[str] = []
    if summary.tor_blocked:
        phrases.append(translate("Findings", "blocks Tor"))
    layer_phrases = {
        Layer.DNS: translate("Findings", "tampers with DNS"),
        Layer.TCP_IP: translate("Findings", "blocks some addresses"),
        Layer.TLS: translate("Findings", "filters encrypted connections by name")
        if Technique.TLS_SNI_FILTERING in summary.techniques()
        else translate("Findings", "interferes with encrypted connections"),
        Layer.HTTP: translate("Findings", "tampers with web pages"),
    }
    phrases.extend(layer_phrases[layer] for layer in summary.interfered_layers)
    if phrases:
        return translate("Findings", "Your network {actions}.").format(actions=_join(phrases))
    if summary.tor is TorReachability.PARTLY_BLOCKED:
        return translate(
            "Findings",
            "We found no censorship of the sites tested, but some Tor relays could not be reached.",
        )
    return translate("Findings", "We found no sign of censorship on this network.")


def layer_line(summary: NetworkSummary, layer: Layer) -> str:
    """One line per layer for the summary block: interfered or not, how, on how many targets."""
    layer_summary = summary.layer(layer)
    if not layer_summary.interfered:
        return translate("Findings", "{layer}: no interference seen").format(layer=LAYER_NAMES[layer])
    how = ", ".join(
        translate("Findings", "{technique} ({count} of {total} targets)").format(
            technique=technique_name(t.technique), count=t.targets, total=summary.targets
        )
        for t in layer_summary.techniques
    )
    return translate("Findings", "{layer}: interfered with: {how}").format(layer=LAYER_NAMES[layer], how=how)


def tor_line(summary: NetworkSummary) -> str:
    texts = {
        TorReachability.NOT_TESTED: translate("Findings", "Tor: directory authorities not tested"),
        TorReachability.REACHABLE: translate("Findings", "Tor: all {tested} directory authorities answer"),
        TorReachability.PARTLY_BLOCKED: translate(
            "Findings", "Tor: {reachable} of {tested} directory authorities answer"
        ),
        TorReachability.BLOCKED_BY_ADDRESS: translate(
            "Findings",
            "Tor: blocked by address: none of {tested} directory authorities accepts a connection,"
            " while websites work",
        ),
        TorReachability.BLOCKED_BY_PROTOCOL: translate(
            "Findings",
            "Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake"
            " completes",
        ),
        TorReachability.UNREACHABLE: translate(
            "Findings", "Tor: no directory authority answers, like everything else"
        ),
    }
    return texts[summary.tor].format(reachable=summary.relays_reachable, tested=summary.relays_tested)
