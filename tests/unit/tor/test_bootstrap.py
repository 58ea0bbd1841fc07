"""tor's real control-port event lines, parsed by stem, read as BootstrapEvents and typed errors."""

from __future__ import annotations

import pytest
import stem.response

from byway.plan import Option, Way
from byway.tor.bootstrap import BootstrapWatch, TorStatus, bootstrap_event, status_from_stem
from byway.tor.errors import (
    BootstrapStalled,
    ClockSkew,
    ConnectionRefusedByNetwork,
    NothingWorked,
    ProxyFailed,
    PtMissing,
    TorError,
    TorExited,
    TorMissing,
)

OPTION = Option(Way.OBFS4, (), ("test",))


def status(line: str) -> TorStatus:
    """A status as tor sends it: ``650 STATUS_CLIENT ...`` through stem's own parser."""
    return status_from_stem(stem.response.ControlMessage.from_str(f"650 {line}\r\n", "EVENT"))


PROGRESS_2 = (
    'STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=2 TAG=conn_done_pt SUMMARY="Connected to pluggable transport"'
)
PROGRESS_25 = (
    "STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=25 TAG=requesting_status "
    'SUMMARY="Asking for networkstatus consensus"'
)
REFUSED = (
    'STATUS_CLIENT WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY="Connecting to a relay" '
    'WARNING="Connection refused" REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=warn '
    'HOSTID="$BBBB" HOSTADDR="127.0.0.1:1"'
)
PT_MISSING = (
    'STATUS_CLIENT WARN BOOTSTRAP PROGRESS=1 TAG=conn_pt SUMMARY="Connecting to pluggable transport" '
    'WARNING="Can\'t connect to bridge" REASON=PT_MISSING COUNT=1 RECOMMENDATION=warn'
)
SKEW = "STATUS_GENERAL WARN CLOCK_SKEW SKEW=-7200 SOURCE=OR:10.0.0.1:9001"


def test_progress_event() -> None:
    event = bootstrap_event(OPTION, status(PROGRESS_2))
    assert event is not None
    assert (event.progress, event.tag, event.summary, event.warning) == (
        2,
        "conn_done_pt",
        "Connected to pluggable transport",
        None,
    )


def test_warning_event_carries_reason() -> None:
    event = bootstrap_event(OPTION, status(REFUSED))
    assert event is not None and event.reason == "CONNECTREFUSED" and event.warning == "Connection refused"


def test_non_bootstrap_status_is_not_a_bootstrap_event() -> None:
    assert bootstrap_event(OPTION, status(SKEW)) is None


def test_black_holed_bridge_stalls_without_any_warning() -> None:
    watch = BootstrapWatch(OPTION, 0.0, stall_s=5.0)
    watch.feed(status(PROGRESS_2), 0.5)
    assert watch.deadline() == 5.5
    verdict = watch.verdict(5.5)
    assert isinstance(verdict, BootstrapStalled) and (verdict.progress, verdict.tag) == (2, "conn_done_pt")
    assert "2%" in verdict.explanation() and verdict.next_step()


def test_a_recommended_warning_shortens_the_wait_and_names_the_block() -> None:
    watch = BootstrapWatch(OPTION, 0.0, stall_s=10.0, warned_s=2.0)
    watch.feed(status(REFUSED), 1.0)
    assert watch.deadline() == 3.0
    verdict = watch.verdict(3.0)
    assert isinstance(verdict, ConnectionRefusedByNetwork) and verdict.reason == "CONNECTREFUSED"


def test_pt_missing_is_fatal_at_once() -> None:
    watch = BootstrapWatch(OPTION, 0.0)
    watch.feed(status(PT_MISSING), 0.2)
    assert isinstance(watch.fatal, PtMissing)


def test_clock_skew_explains_a_stall_while_loading_the_directory() -> None:
    watch = BootstrapWatch(OPTION, 0.0, stall_s=5.0, late_stall_s=8.0)
    watch.feed(status(SKEW), 0.1)
    watch.feed(status(PROGRESS_25), 0.2)
    assert watch.deadline() == pytest.approx(8.2)
    verdict = watch.verdict(9.0)
    assert isinstance(verdict, ClockSkew) and verdict.skew_s == -7200
    assert "120 minutes" in verdict.explanation()


def test_with_a_proxy_an_early_stall_blames_the_proxy() -> None:
    watch = BootstrapWatch(OPTION, 0.0, proxy="socks5://10.0.0.1:1080")
    watch.feed(
        status('STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=3 TAG=conn_proxy SUMMARY="Connecting to proxy"'), 0.1
    )
    assert isinstance(watch.verdict(20.0), ProxyFailed)


def test_progress_clears_an_earlier_warning() -> None:
    watch = BootstrapWatch(OPTION, 0.0, stall_s=10.0, warned_s=2.0)
    watch.feed(status(REFUSED), 1.0)
    watch.feed(status(PROGRESS_25), 1.5)
    assert watch.deadline() == pytest.approx(31.5) and watch.warning is None


@pytest.mark.parametrize(
    "error",
    [
        TorMissing("/nowhere/tor"),
        TorExited(1, "Failed to bind"),
        BootstrapStalled(14, "handshake", 10.0),
        BootstrapStalled(50, "loading_descriptors", 30.0),
        ConnectionRefusedByNetwork("TIMEOUT", 5),
        ConnectionRefusedByNetwork("NOROUTE", 5),
        ConnectionRefusedByNetwork("IOERROR", 5),
        PtMissing("obfs4"),
        ClockSkew(3600),
        ProxyFailed("socks5://10.0.0.1:1080"),
        NothingWorked((("obfs4", BootstrapStalled(2, "conn_done_pt", 10.0)),)),
        NothingWorked(()),
    ],
)
def test_every_error_explains_itself_and_says_what_to_do(error: TorError) -> None:
    assert error.explanation().strip() and error.next_step().strip()
    assert str(error) == error.explanation()


def test_a_transport_that_dies_at_launch_is_pt_missing() -> None:
    watch = BootstrapWatch(OPTION, 0.0)
    message = "Managed proxy at '/usr/bin/obfs4proxy' died in state Launched"
    watch.feed(TorStatus("LOG", "WARN", "LOG", {"MESSAGE": message}), 1.0)
    assert isinstance(watch.fatal, PtMissing) and watch.fatal.detail == message
