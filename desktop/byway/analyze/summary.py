"""The network at a glance: is there Internet, which layers are tampered with, can Tor get out?

Per-target rows answer "is this site blocked?"; a person deciding what to do next needs the view
above them. Two mistakes matter most and are guarded against here: calling a shutdown censorship
(when nothing answers, not even the control-side sites, encrypted DNS or Tor relays, the honest
answer is "no Internet"), and missing that Tor itself is blocked while websites work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from byway.analyze.findings import Finding, Layer, Technique
from byway.analyze.verdict import Verdict
from byway.measure.observations import Diagnosis, DnsEngine, Observation, RelayReachability


@dataclass(frozen=True)
class TargetResult:
    """One target's measurement with its judgement: a row of the report."""

    observation: Observation
    verdict: Verdict
    findings: tuple[Finding, ...]


class TorReachability(StrEnum):
    NOT_TESTED = "not_tested"
    REACHABLE = "reachable"  # every directory authority answered
    PARTLY_BLOCKED = "partly_blocked"  # some answered
    BLOCKED_BY_ADDRESS = "blocked_by_address"  # no TCP connection to any, while websites work
    BLOCKED_BY_PROTOCOL = "blocked_by_protocol"  # TCP connects, TLS to the ORPort never completes
    UNREACHABLE = "unreachable"  # nothing works on this network, Tor included


@dataclass(frozen=True)
class TechniqueCount:
    technique: Technique
    targets: int  # how many targets showed it


@dataclass(frozen=True)
class LayerSummary:
    layer: Layer
    techniques: tuple[TechniqueCount, ...]

    @property
    def interfered(self) -> bool:
        return bool(self.techniques)

    @property
    def targets(self) -> int:
        return max((t.targets for t in self.techniques), default=0)


@dataclass(frozen=True)
class NetworkSummary:
    """What the whole diagnosis says about the network."""

    internet: bool
    layers: tuple[LayerSummary, ...]
    tor: TorReachability
    relays_reachable: int
    relays_tested: int
    targets: int
    blocked_targets: int
    down_targets: int
    skipped_probes: int

    def layer(self, layer: Layer) -> LayerSummary:
        return next(s for s in self.layers if s.layer is layer)

    @property
    def interfered_layers(self) -> tuple[Layer, ...]:
        return tuple(s.layer for s in self.layers if s.interfered)

    @property
    def tor_blocked(self) -> bool:
        return self.tor in (TorReachability.BLOCKED_BY_ADDRESS, TorReachability.BLOCKED_BY_PROTOCOL)

    @property
    def censored(self) -> bool:
        """True when there is Internet and something on it is interfered with."""
        return self.internet and (bool(self.interfered_layers) or self.tor_blocked)

    def techniques(self) -> tuple[Technique, ...]:
        return tuple(t.technique for s in self.layers for t in s.techniques)


def relay_reachable(relay: RelayReachability) -> bool:
    """A relay counts when TCP connects and the TLS handshake completes (its certificate never
    validates in the web PKI sense, so completion is what matters)."""
    if relay.tcp.failure is not None:
        return False
    return relay.tls is None or relay.tls.handshake_completed


def _observation_answered(observation: Observation) -> bool:
    if any(c.failure is None for c in observation.tcp_connect):
        return True
    if observation.http is not None and observation.http.response is not None:
        return True
    doh = observation.query(DnsEngine.DOH)
    return doh is not None and doh.failure is None


def has_internet(diagnosis: Diagnosis, results: Sequence[TargetResult]) -> bool:
    """Anything beyond the local network answered: a site, encrypted DNS, or a Tor relay.

    The local resolver answering proves nothing (it sits inside the network being cut off).
    """
    if any(_observation_answered(r.observation) for r in results):
        return True
    if any(r.verdict.accessible for r in results):
        return True
    return any(relay.tcp.failure is None for relay in diagnosis.relays)


def tor_reachability(relays: Sequence[RelayReachability], *, websites_work: bool) -> TorReachability:
    if not relays:
        return TorReachability.NOT_TESTED
    reachable = sum(1 for r in relays if relay_reachable(r))
    if reachable == len(relays):
        return TorReachability.REACHABLE
    if reachable:
        return TorReachability.PARTLY_BLOCKED
    if not websites_work:
        return TorReachability.UNREACHABLE
    if any(r.tcp.failure is None for r in relays):
        return TorReachability.BLOCKED_BY_PROTOCOL
    return TorReachability.BLOCKED_BY_ADDRESS


def _layer_summaries(results: Sequence[TargetResult]) -> tuple[LayerSummary, ...]:
    summaries: list[LayerSummary] = []
    for layer in Layer:
        counts: dict[Technique, int] = {}
        for result in results:
            seen = {f.technique for f in result.findings if f.layer is layer}
            for technique in seen:
                counts[technique] = counts.get(technique, 0) + 1
        ordered = tuple(
            TechniqueCount(t, n) for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        summaries.append(LayerSummary(layer, ordered))
    return tuple(summaries)


def summarize(diagnosis: Diagnosis, results: Sequence[TargetResult]) -> NetworkSummary:
    """The network summary for a diagnosis whose targets were judged into ``results``."""
    internet = has_internet(diagnosis, results)
    websites_work = any(_observation_answered(r.observation) for r in results)
    layers = _layer_summaries(results) if internet else tuple(LayerSummary(layer, ()) for layer in Layer)
    return NetworkSummary(
        internet=internet,
        layers=layers,
        tor=tor_reachability(diagnosis.relays, websites_work=websites_work),
        relays_reachable=sum(1 for r in diagnosis.relays if relay_reachable(r)),
        relays_tested=len(diagnosis.relays),
        targets=len(results),
        blocked_targets=sum(1 for r in results if r.verdict.blocking not in (False, None)),
        down_targets=sum(1 for r in results if r.verdict.site_down),
        skipped_probes=sum(len(r.observation.skipped) for r in results),
    )
