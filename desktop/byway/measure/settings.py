"""How a diagnosis probes: resolvers, control, deadlines, concurrency. Defaults point at the real
public services; tests and the lab override every one of them."""

from __future__ import annotations

from dataclasses import dataclass

from byway.measure.observations import Endpoint

DEFAULT_RESOLVER = Endpoint("8.8.8.8", 53)
DEFAULT_DOH_URL = "https://1.1.1.1/dns-query"
DEFAULT_TEST_HELPER = "https://0.th.ooni.org/"
BENIGN_SERVER_NAME = "example.org"


@dataclass(frozen=True)
class ProbeSettings:
    """Every knob of a diagnosis, with OONI's timeouts as defaults."""

    use_system_resolver: bool = True
    resolver: Endpoint | None = DEFAULT_RESOLVER
    doh_url: str | None = DEFAULT_DOH_URL
    test_helper: str | None = DEFAULT_TEST_HELPER
    dns_timeout_s: float = 4.0
    tcp_timeout_s: float = 10.0
    tls_timeout_s: float = 10.0
    http_timeout_s: float = 10.0
    control_timeout_s: float = 30.0
    udp_listen_s: float = 0.5
    max_body_bytes: int = 1 << 20
    benign_server_name: str = BENIGN_SERVER_NAME
    max_addresses: int = 4
    concurrency: int = 16
    residual_window_s: float = 90.0
    shuffle_seed: int | None = None  # None: a fresh random order each run

    @property
    def longest_step_s(self) -> float:
        """The longest single deadline: the yardstick for how long a diagnosis should take."""
        return max(self.dns_timeout_s, self.tcp_timeout_s, self.tls_timeout_s, self.http_timeout_s)
