"""A report a person reads: the network summary first, then one row per target with its findings.

Plain text travels everywhere a censored user can send it (a chat message, an e-mail, a printed
page at a workshop). Every word goes through :func:`byway.i18n.translate` (context ``"Report"`` for
the frame, ``"Findings"`` for what :mod:`byway.analyze.words` says). The user's address is scrubbed
from the text too, since people paste reports into public places.
"""

from __future__ import annotations

from byway.analyze.analysis import Analysis
from byway.analyze.findings import Layer
from byway.analyze.summary import TargetResult
from byway.analyze.verdict import Verdict
from byway.analyze.words import describe, headline, layer_line, tor_line
from byway.i18n import translate
from byway.report.ooni import ooni_time
from byway.report.scrub import Scrubber


def verdict_words(verdict: Verdict) -> str:
    """OONI's blocking/accessible pair as a short status."""
    if verdict.blocking is None:
        return translate("Report", "cannot tell (the control did not answer)")
    if verdict.blocking is False:
        return (
            translate("Report", "accessible")
            if verdict.accessible
            else translate("Report", "down everywhere (not censorship)")
        )
    reasons = {
        "dns": translate("Report", "blocked (DNS)"),
        "tcp_ip": translate("Report", "blocked (TCP/IP)"),
        "http-failure": translate("Report", "blocked (connection failed)"),
        "http-diff": translate("Report", "blocked (page replaced)"),
    }
    return reasons[verdict.blocking]


def summary_lines(analysis: Analysis) -> list[str]:
    summary = analysis.summary
    lines = [headline(summary), ""]
    if summary.internet:
        lines.extend(layer_line(summary, layer) for layer in Layer)
    lines.append(tor_line(summary))
    lines.append(
        translate("Report", "Targets: {total} tested, {blocked} blocked, {down} down everywhere").format(
            total=summary.targets, blocked=summary.blocked_targets, down=summary.down_targets
        )
    )
    if summary.skipped_probes:
        lines.append(
            translate(
                "Report", "Probes not sent, to avoid residual blocking from earlier probes: {count}"
            ).format(count=summary.skipped_probes)
        )
    return lines


def target_lines(result: TargetResult) -> list[str]:
    lines = [
        translate("Report", "{url}: {status}").format(
            url=result.observation.target.url, status=verdict_words(result.verdict)
        )
    ]
    lines.extend("  - " + describe(finding) for finding in result.findings)
    return lines


def render(analysis: Analysis, scrubber: Scrubber | None = None) -> str:
    """The whole report as text, scrubbed of the addresses ``scrubber`` hides."""
    diagnosis = analysis.diagnosis
    lines = [
        translate("Report", "Byway network report"),
        translate("Report", "Measured {when} UTC, in {seconds} s").format(
            when=ooni_time(diagnosis.started_at), seconds=round(diagnosis.runtime_s, 1)
        ),
        "",
        *summary_lines(analysis),
        "",
        translate("Report", "Targets"),
    ]
    for result in analysis.results:
        lines.extend(target_lines(result))
    text = "\n".join(lines) + "\n"
    return scrubber.text(text) if scrubber is not None else text
