"""``byway connect``'s arguments, its plans for each ``--transport``, and what it prints."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from byway.commands.connect import ProgressView, add_connect_parser, build_plan, private_network_from_env
from byway.plan import Option, Way
from byway.store.locations import Locations
from byway.tor.errors import TorConfigRefused
from byway.tor.events import AttemptEvent, AttemptOutcome, BootstrapEvent, HealthEvent, HealthState
from byway.tor.torrc import ProxyKind
from byway.transports.transport_support import discover_transports

OBFS4 = (
    "obfs4 192.0.2.1:443 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D "
    "cert=bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg iat-mode=0"
)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="byway")
    add_connect_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["connect", *argv])


def where(tmp_path: Path) -> Locations:
    tmp_path.mkdir(exist_ok=True)
    return Locations(tmp_path / "c", tmp_path / "d", tmp_path / "ca", tmp_path / "l", True, tmp_path)


def test_arguments_are_typed() -> None:
    args = parse(
        "--transport", "obfs4", "--bridge", OBFS4, "--proxy", "socks5://a:b@10.0.0.1:1080", "--country", "IR"
    )
    assert args.transport == "obfs4" and args.bridge[0].fingerprint.startswith("D9A8")
    assert args.proxy.kind is ProxyKind.SOCKS5 and args.proxy.password == "b"
    assert args.country == "ir"


@pytest.mark.parametrize(
    "argv",
    [
        ("--bridge", OBFS4 + "\nSocksPort 0.0.0.0:9050"),
        ("--proxy", "gopher://10.0.0.1:70"),
        ("--country", "Iran"),
        ("--transport", "carrier-pigeon"),
    ],
)
def test_bad_arguments_are_refused(argv: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit):
        parse(*argv)


def test_plans_for_each_transport(tmp_path: Path) -> None:
    inventory = discover_transports()
    locations = where(tmp_path)
    direct = build_plan(parse("--transport", "direct"), inventory, locations)
    assert [o.way for o in direct.options] == [Way.DIRECT]
    custom = build_plan(parse("--transport", "custom", "--bridge", OBFS4), inventory, locations)
    assert custom.options[0].way is Way.CUSTOM and custom.options[0].bridges[0].to_torrc_value() == OBFS4
    builtin = build_plan(parse("--transport", "obfs4"), inventory, locations)
    assert builtin.options[0].way is Way.OBFS4 and builtin.options[0].bridges
    # --transport auto runs pre-checks against Tor's relays: it is tested in the lab
    # (tests/integration/connect/test_connect_auto_lab.py), never against the public network.
    with pytest.raises(TorConfigRefused):
        build_plan(parse("--transport", "custom"), inventory, locations)


def test_no_test_network_unless_the_environment_names_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BYWAY_TOR_TEST_NETWORK", raising=False)
    monkeypatch.delenv("BYWAY_LAB", raising=False)
    assert private_network_from_env() is None


def test_progress_is_printed_as_a_bar_with_attempts_and_health(capsys: pytest.CaptureFixture[str]) -> None:
    option = Option(Way.OBFS4, (), ("r",))
    view = ProgressView()
    view(AttemptEvent(option, AttemptOutcome.STARTED))
    view(BootstrapEvent(option, 50, "loading_descriptors", "Loading relay descriptors"))
    view(BootstrapEvent(option, 25, "requesting_status", "older"))  # never goes backwards
    view(HealthEvent(HealthState.RECOVERING, "Tor stopped unexpectedly."))
    err = capsys.readouterr().err
    assert "obfs4: started" in err
    assert "[##########----------]  50% obfs4: Loading relay descriptors" in err
    assert "older" not in err and "recovering: Tor stopped unexpectedly." in err
