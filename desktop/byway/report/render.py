"""The report stage in one call for the front doors (CLI, window): a diagnosis in, text or JSON out.

This is the edge where the pure pieces meet the few impure ones: the shipped fingerprints are read
(once), and a random report id is drawn. Everything else is :mod:`byway.analyze`,
:mod:`byway.report.ooni` and :mod:`byway.report.text`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

from byway.analyze.addresses import STANDARD_POLICY, AddressPolicy
from byway.analyze.analysis import Analysis, analyze_diagnosis
from byway.analyze.fingerprints import FingerprintDatabase, load_fingerprints
from byway.measure.observations import Diagnosis
from byway.report import ooni, text


def analyze_for_report(
    diagnosis: Diagnosis,
    policy: AddressPolicy = STANDARD_POLICY,
    fingerprints: FingerprintDatabase | None = None,
) -> Analysis:
    """Judge ``diagnosis`` with the shipped fingerprints (unless others are given)."""
    database = fingerprints if fingerprints is not None else load_fingerprints()
    return analyze_diagnosis(diagnosis, policy=policy, fingerprints=database)


def render_text(
    diagnosis: Diagnosis,
    policy: AddressPolicy = STANDARD_POLICY,
    *,
    context: ooni.ProbeContext | None = None,
    fingerprints: FingerprintDatabase | None = None,
) -> str:
    """The human-readable report, scrubbed of the addresses in ``context``."""
    probe = context if context is not None else ooni.ProbeContext()
    return text.render(analyze_for_report(diagnosis, policy, fingerprints), probe.scrubber)


def render_json_lines(
    diagnosis: Diagnosis,
    policy: AddressPolicy = STANDARD_POLICY,
    *,
    context: ooni.ProbeContext | None = None,
    fingerprints: FingerprintDatabase | None = None,
    token: str | None = None,
) -> Iterator[str]:
    """One OONI measurement per line, then Byway's summary line; raises ``ScrubbingFailed``
    (before yielding the offending line) rather than leak an address in ``context``."""
    probe = context if context is not None else ooni.ProbeContext()
    analysis = analyze_for_report(diagnosis, policy, fingerprints)
    report_id = ooni.report_id(diagnosis.started_at, probe, token or secrets.token_hex(16))
    for document in ooni.measurements(analysis, probe, report_id=report_id):
        yield json.dumps(document, ensure_ascii=False, sort_keys=True)
    yield json.dumps(
        ooni.summary_line(analysis, probe, report_id=report_id), ensure_ascii=False, sort_keys=True
    )
