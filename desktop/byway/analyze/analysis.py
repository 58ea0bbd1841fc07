"""The analyze stage in one call: a whole :class:`Diagnosis` in, verdicts, findings and summary out."""

from __future__ import annotations

from dataclasses import dataclass

from byway.analyze.addresses import STANDARD_POLICY, AddressPolicy
from byway.analyze.findings import find
from byway.analyze.fingerprints import EMPTY_DATABASE, FingerprintDatabase
from byway.analyze.summary import NetworkSummary, TargetResult, summarize
from byway.analyze.verdict import judge
from byway.measure.observations import Diagnosis, Observation


@dataclass(frozen=True)
class Analysis:
    """Everything the report, the advisor and the window need to know about one diagnosis."""

    diagnosis: Diagnosis
    summary: NetworkSummary
    results: tuple[TargetResult, ...]


def analyze_observation(
    observation: Observation,
    *,
    policy: AddressPolicy = STANDARD_POLICY,
    fingerprints: FingerprintDatabase = EMPTY_DATABASE,
) -> TargetResult:
    verdict = judge(observation, policy, fingerprints)
    return TargetResult(
        observation, verdict, find(observation, verdict, policy=policy, fingerprints=fingerprints)
    )


def analyze_diagnosis(
    diagnosis: Diagnosis,
    *,
    policy: AddressPolicy = STANDARD_POLICY,
    fingerprints: FingerprintDatabase = EMPTY_DATABASE,
) -> Analysis:
    """Judge every target, then the network. Pass :func:`~byway.analyze.fingerprints.load_fingerprints`
    to name blockpages and known injectors (the default knows none, for pure tests)."""
    results = tuple(
        analyze_observation(o, policy=policy, fingerprints=fingerprints) for o in diagnosis.observations
    )
    return Analysis(diagnosis, summarize(diagnosis, results), results)
