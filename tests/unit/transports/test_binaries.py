"""Finding tor and the PT programs, against the real ones on this machine and fake ones beside the app."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from byway.transports.binaries import (
    BinaryName,
    BinarySearch,
    FoundBinary,
    Origin,
    default_search_dirs,
    find_binary,
    read_version,
)
from byway.transports.bridge_line import Transport
from byway.transports.transport_support import (
    ClientTransportPlugin,
    TransportMissing,
    availability_from,
    discover_transports,
    serves,
)

REAL = {name: shutil.which(name) for name in ("tor", "obfs4proxy", "snowflake-client")}
needs_real_binaries = pytest.mark.skipif(
    not all(REAL.values()), reason=f"needs tor, obfs4proxy and snowflake-client installed; found {REAL}"
)
SYSTEM_PATH = os.environ.get("PATH", "")


def fake_program(folder: Path, name: str, body: str = "", *, mode: int = 0o755) -> Path:
    """A real executable shell script standing in for a transport program."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(mode)
    return path


@needs_real_binaries
def test_the_real_programs_on_this_machine(tmp_path: Path) -> None:
    inventory = discover_transports([tmp_path], path_env=SYSTEM_PATH)
    assert inventory.tor is not None and inventory.tor.origin is Origin.PATH
    assert inventory.tor.version is not None and inventory.tor.version.startswith("0.4.")
    found = {binary.name: binary for binary in inventory.binaries}
    assert found[BinaryName.OBFS4PROXY].version == "0.0.14"
    assert found[BinaryName.OBFS4PROXY].path == Path(str(REAL["obfs4proxy"]))
    assert found[BinaryName.SNOWFLAKE_CLIENT].version is not None  # it answers on stderr
    assert inventory.available_transports() == (
        Transport.VANILLA,
        Transport.OBFS4,
        Transport.SNOWFLAKE,
        Transport.MEEK_LITE,
    )
    assert inventory.for_transport(Transport.OBFS4).binary == found[BinaryName.OBFS4PROXY]
    assert inventory.for_transport(Transport.SNOWFLAKE).binary == found[BinaryName.SNOWFLAKE_CLIENT]
    assert inventory.for_transport(Transport.WEBTUNNEL).reason == (
        "webtunnel needs lyrebird; only obfs4proxy 0.0.14 was found, which does not support it"
    )
    assert (
        inventory.for_transport(Transport.CONJURE).reason
        == "conjure needs conjure-client, which was not found"
    )
    plugins = inventory.client_transport_plugins()
    assert plugins == (
        ClientTransportPlugin((Transport.OBFS4, Transport.MEEK_LITE), found[BinaryName.OBFS4PROXY].path),
        ClientTransportPlugin((Transport.SNOWFLAKE,), found[BinaryName.SNOWFLAKE_CLIENT].path),
    )
    with pytest.raises(TransportMissing, match="webtunnel needs lyrebird"):
        inventory.client_transport_plugins([Transport.OBFS4, Transport.WEBTUNNEL])


@needs_real_binaries
def test_programs_beside_the_app_take_precedence_over_path(tmp_path: Path) -> None:
    beside = tmp_path / "bin"
    fake_program(beside, "tor", "echo 'Tor version 0.4.8.99.'")
    lyrebird = fake_program(beside, "lyrebird", "echo lyrebird-0.6.1")
    inventory = discover_transports(default_search_dirs(tmp_path / "byway"), path_env=SYSTEM_PATH)
    assert inventory.tor == FoundBinary(BinaryName.TOR, beside / "tor", Origin.BESIDE_APP, "0.4.8.99")
    for transport in (Transport.OBFS4, Transport.MEEK_LITE, Transport.WEBTUNNEL, Transport.SNOWFLAKE):
        chosen = inventory.for_transport(transport).binary
        assert chosen is not None and chosen.path == lyrebird and chosen.origin is Origin.BESIDE_APP
    # obfs4proxy and snowflake-client are still found on PATH, just not preferred.
    assert {b.name for b in inventory.binaries} >= {BinaryName.OBFS4PROXY, BinaryName.SNOWFLAKE_CLIENT}
    assert inventory.client_transport_plugins() == (
        ClientTransportPlugin(
            (Transport.OBFS4, Transport.SNOWFLAKE, Transport.MEEK_LITE, Transport.WEBTUNNEL), lyrebird
        ),
    )


@needs_real_binaries
def test_a_non_executable_file_is_rejected_and_path_used_instead(tmp_path: Path) -> None:
    stray = fake_program(tmp_path, "obfs4proxy", "echo obfs4proxy-9.9.9", mode=0o644)
    search = find_binary(BinaryName.OBFS4PROXY, [tmp_path], path_env=SYSTEM_PATH)
    assert (
        search.found is not None and search.found.origin is Origin.PATH and search.found.version == "0.0.14"
    )
    assert [(r.path, r.why) for r in search.rejected] == [(stray, f"{stray} is not executable")]


def test_a_non_executable_file_alone_makes_the_transport_unavailable_and_says_why(tmp_path: Path) -> None:
    fake_program(tmp_path, "tor", "echo 'Tor version 0.4.9.1.'")
    stray = fake_program(tmp_path, "obfs4proxy", "echo obfs4proxy-0.0.14", mode=0o644)
    inventory = discover_transports([tmp_path], path_env="")
    obfs4 = inventory.for_transport(Transport.OBFS4)
    assert not obfs4.available and obfs4.binary is None
    assert obfs4.reason == (
        f"obfs4 needs lyrebird or obfs4proxy, which was not found ({stray} is not executable)"
    )
    assert inventory.available_transports() == (Transport.VANILLA,)


def test_missing_binaries_are_reported_with_reasons(tmp_path: Path) -> None:
    inventory = discover_transports([tmp_path], path_env="")
    assert inventory.tor is None and inventory.binaries == () and inventory.available_transports() == ()
    reasons = {entry.transport: entry.reason for entry in inventory.availability}
    assert reasons[Transport.VANILLA] == "vanilla needs tor, which was not found"
    assert reasons[Transport.WEBTUNNEL] == "webtunnel needs tor, which was not found"
    assert find_binary(BinaryName.CONJURE_CLIENT, [tmp_path], path_env="") == BinarySearch(
        BinaryName.CONJURE_CLIENT, None, ()
    )


def test_a_directory_and_an_unstartable_file_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "a" / "lyrebird").mkdir(parents=True)
    garbage = tmp_path / "b" / "lyrebird"
    garbage.parent.mkdir()
    garbage.write_bytes(b"\x7fELF not really")
    garbage.chmod(0o755)
    good = fake_program(tmp_path / "c", "lyrebird", "echo lyrebird-0.5.0")
    search = find_binary(BinaryName.LYREBIRD, [tmp_path / "a", tmp_path / "b", tmp_path / "c"], path_env="")
    assert search.found is not None and search.found.path == good and search.found.version == "0.5.0"
    whys = [r.why for r in search.rejected]
    assert whys[0] == f"{tmp_path / 'a' / 'lyrebird'} is not a regular file"
    assert whys[1].startswith(f"{garbage} could not be started")


def test_an_old_lyrebird_does_not_claim_what_it_cannot_run(tmp_path: Path) -> None:
    fake_program(tmp_path, "tor", "echo 'Tor version 0.4.9.1.'")
    fake_program(tmp_path, "lyrebird", "echo lyrebird-0.1.0")
    inventory = discover_transports([tmp_path], path_env="")
    assert inventory.available_transports() == (Transport.VANILLA, Transport.OBFS4, Transport.MEEK_LITE)
    assert inventory.for_transport(Transport.WEBTUNNEL).reason == (
        "webtunnel needs lyrebird; only lyrebird 0.1.0 was found, which does not support it"
    )
    assert inventory.for_transport(Transport.SNOWFLAKE).reason == (
        "snowflake needs snowflake-client or lyrebird 0.6.0+; "
        "only lyrebird 0.1.0 was found, which does not support it"
    )


def test_version_probe_copes_with_silence_errors_and_hangs(tmp_path: Path) -> None:
    silent = fake_program(tmp_path, "conjure-client", "exit 2")
    assert read_version(BinaryName.CONJURE_CLIENT, silent) is None
    on_stderr = fake_program(tmp_path, "snowflake-client", "echo 'snowflake-client 2.5.1' >&2; exit 1")
    assert read_version(BinaryName.SNOWFLAKE_CLIENT, on_stderr) == "2.5.1"
    hangs = fake_program(tmp_path / "slow", "lyrebird", "exec sleep 30")
    assert read_version(BinaryName.LYREBIRD, hangs, timeout_s=0.3) is None
    search = find_binary(BinaryName.LYREBIRD, [tmp_path / "slow"], path_env="", timeout_s=0.3)
    assert search.found is not None and search.found.version is None  # it exists and runs: kept


def test_version_probe_can_be_skipped(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    fake_program(tmp_path, "lyrebird", f"touch {marker}")
    search = find_binary(BinaryName.LYREBIRD, [tmp_path], path_env="", probe_version=False)
    assert search.found is not None and search.found.version is None and not marker.exists()


def test_availability_is_a_pure_function_of_what_was_found() -> None:
    tor = FoundBinary(BinaryName.TOR, Path("/opt/tor"), Origin.BESIDE_APP, "0.4.9.1")
    lyrebird = FoundBinary(BinaryName.LYREBIRD, Path("/opt/lyrebird"), Origin.BESIDE_APP, None)
    inventory = availability_from(
        [BinarySearch(BinaryName.TOR, tor), BinarySearch(BinaryName.LYREBIRD, lyrebird)]
    )
    # A lyrebird that hides its version is trusted with webtunnel (since 0.2.0) but not snowflake (0.6.0).
    assert Transport.WEBTUNNEL in inventory.available_transports()
    assert Transport.SNOWFLAKE not in inventory.available_transports()
    assert serves(FoundBinary(BinaryName.LYREBIRD, Path("/x"), Origin.PATH, "0.6.0"), Transport.SNOWFLAKE)
    assert not serves(FoundBinary(BinaryName.OBFS4PROXY, Path("/x"), Origin.PATH, "9.9"), Transport.WEBTUNNEL)
    assert not serves(FoundBinary(BinaryName.SNOWFLAKE_CLIENT, Path("/x"), Origin.PATH), Transport.OBFS4)


def test_conjure_gets_its_arguments_from_data(tmp_path: Path) -> None:
    tor = FoundBinary(BinaryName.TOR, Path("/opt/tor"), Origin.PATH)
    conjure = FoundBinary(BinaryName.CONJURE_CLIENT, Path("/opt/conjure-client"), Origin.PATH)
    inventory = availability_from(
        [BinarySearch(BinaryName.TOR, tor), BinarySearch(BinaryName.CONJURE_CLIENT, conjure)]
    )
    arguments = {BinaryName.CONJURE_CLIENT: ["-registerURL", "https://registration.refraction.network/api"]}
    assert inventory.client_transport_plugins(arguments=arguments) == (
        ClientTransportPlugin(
            (Transport.CONJURE,), conjure.path, tuple(arguments[BinaryName.CONJURE_CLIENT])
        ),
    )


@pytest.mark.parametrize(
    ("transports", "executable", "arguments"),
    [
        ((), Path("/usr/bin/lyrebird"), ()),
        ((Transport.VANILLA,), Path("/usr/bin/lyrebird"), ()),
        ((Transport.OBFS4,), Path("lyrebird"), ()),
        ((Transport.OBFS4,), Path("/usr/bin/lyrebird\nSocksPort 9050"), ()),
        ((Transport.OBFS4,), Path("/usr/bin/lyrebird"), ("-a b",)),
        ((Transport.OBFS4,), Path("/usr/bin/lyrebird"), ("x\ny",)),
    ],
)
def test_plugin_specs_refuse_anything_that_could_break_a_torrc(
    transports: tuple[Transport, ...], executable: Path, arguments: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError):
        ClientTransportPlugin(transports, executable, arguments)


def test_default_search_dirs_put_the_portable_root_first(tmp_path: Path) -> None:
    dirs = default_search_dirs(tmp_path / "app" / "byway", portable_root=tmp_path / "portable")
    assert dirs[0] == tmp_path / "portable" / "bin"
    assert tmp_path / "app" / "tor" / "pluggable_transports" in dirs
    assert dirs[-1] == tmp_path / "app"
