"""torrc generation from typed values: every value is one line, and injection attempts are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byway.tor.errors import TorConfigRefused
from byway.tor.torrc import (
    DirectoryAuthority,
    ProxyKind,
    TestNetwork,
    TorConfig,
    UpstreamProxy,
    torrc_lines,
    torrc_text,
)
from byway.transports.bridge_line import BridgeLineError, Transport, parse_bridge_line
from byway.transports.transport_support import ClientTransportPlugin

OBFS4 = (
    "obfs4 192.0.2.1:443 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D "
    "cert=bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg iat-mode=0"
)


def config(**changes: object) -> TorConfig:
    values: dict[str, object] = {"data_dir": Path("/d"), "control_socket": Path("/r/control")}
    values.update(changes)
    return TorConfig(**values)  # type: ignore[arg-type]


def test_the_base_config_is_private_and_owned() -> None:
    lines = torrc_lines(config(owning_pid=4242))
    assert lines[:7] == [
        "DataDirectory /d",
        "ControlSocket /r/control",
        "CookieAuthentication 1",
        "ControlPort 0",
        "SocksPort auto",
        "ClientOnly 1",
        "DisableNetwork 1",
    ]
    assert "__OwningControllerProcess 4242" in lines
    assert "GeoIPFile /dev/null" in lines
    assert not any(
        line.startswith(("UseBridges", "Bridge", "DirAuthority", "TestingTorNetwork")) for line in lines
    )


def test_bridges_and_plugins_come_from_typed_values() -> None:
    bridge = parse_bridge_line(OBFS4)
    plugin = ClientTransportPlugin((Transport.OBFS4,), Path("/usr/bin/obfs4proxy"))
    lines = torrc_lines(config(bridges=(bridge,), plugins=(plugin,), socks_port=9150, disable_network=False))
    assert "SocksPort 127.0.0.1:9150" in lines
    assert "DisableNetwork 0" in lines
    assert "UseBridges 1" in lines
    assert f"Bridge {OBFS4}" in lines
    assert "ClientTransportPlugin obfs4 exec /usr/bin/obfs4proxy" in lines


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://10.0.0.1:3128", ["HTTPSProxy 10.0.0.1:3128"]),
        (
            "https://ann:pw@proxy.example:8443",
            ["HTTPSProxy proxy.example:8443", "HTTPSProxyAuthenticator ann:pw"],
        ),
        ("socks4://10.0.0.1:1080", ["Socks4Proxy 10.0.0.1:1080"]),
        (
            "socks5://ann:p%23w@[2001:db8::1]:1080",
            ["Socks5Proxy [2001:db8::1]:1080", "Socks5ProxyUsername ann", 'Socks5ProxyPassword "p#w"'],
        ),
    ],
)
def test_upstream_proxies_with_credentials(url: str, expected: list[str]) -> None:
    proxy = UpstreamProxy.parse(url)
    assert torrc_lines(config(proxy=proxy))[-len(expected) :] == expected
    assert "pw" not in proxy.display().split("@")[-1]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://10.0.0.1:21",
        "socks5://10.0.0.1",
        "socks4://ann:pw@10.0.0.1:1080",
        "http://10.0.0.1:3128/path",
        "socks5://a%0aSocksPort%200.0.0.0:9050@10.0.0.1:1080",
        "socks5://10.0.0.1:1080\nSocksPort 0.0.0.0:9050",
        "http://bad_host!:80",
    ],
)
def test_bad_proxies_are_refused(url: str) -> None:
    with pytest.raises(TorConfigRefused):
        UpstreamProxy.parse(url)


def test_the_proxy_kind_names() -> None:
    assert UpstreamProxy.parse("socks5h://10.0.0.1:9").kind is ProxyKind.SOCKS5


@pytest.mark.parametrize(
    "line",
    [
        OBFS4 + "\nSocksPort 0.0.0.0:9050",
        OBFS4 + "\rSocksPort 0.0.0.0:9050",
        OBFS4.replace("iat-mode=0", "iat-mode=0\x00"),
        OBFS4 + " # comment",
    ],
)
def test_bridge_line_injection_never_reaches_the_torrc(line: str) -> None:
    with pytest.raises(BridgeLineError):
        parse_bridge_line(line)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Nickname", "x\nSocksPort 0.0.0.0:9050"),
        ("Nickname", "x\x00"),
        ("Nickname", "x\r"),
        ("SocksPort 0.0.0.0:9050\nNickname", "x"),
        ("", "x"),
    ],
)
def test_raw_options_with_control_characters_or_bad_keys_are_refused(key: str, value: str) -> None:
    with pytest.raises(TorConfigRefused):
        torrc_lines(((key, value),))


def test_a_data_directory_with_a_newline_is_refused() -> None:
    with pytest.raises(TorConfigRefused):
        torrc_text(config(data_dir=Path("/tmp/x\nSocksPort 0.0.0.0:9050")))


def test_a_plugin_path_with_a_newline_is_refused() -> None:
    with pytest.raises(ValueError):
        ClientTransportPlugin((Transport.OBFS4,), Path("/usr/bin/obfs4proxy\nSocksPort 1"))


def test_values_with_hash_or_quotes_are_quoted_so_tor_reads_them_whole() -> None:
    assert torrc_lines((("ContactInfo", 'a # b "c" \\d'),)) == ['ContactInfo "a # b \\"c\\" \\\\d"']


def test_the_test_network_replaces_the_public_authorities() -> None:
    authority = DirectoryAuthority("auth1", "10.213.2.101", 9001, 9030, "A" * 40, "B" * 40)
    lines = torrc_lines(config(test_network=TestNetwork((authority,))))
    assert "TestingTorNetwork 1" in lines
    assert f"DirAuthority auth1 orport=9001 no-v2 v3ident={'A' * 40} 10.213.2.101:9030 {'B' * 40}" in lines
    with pytest.raises(TorConfigRefused):
        DirectoryAuthority("auth 1\nx", "10.213.2.101", 9001, 9030, "A" * 40, "B" * 40)


def test_the_test_network_reads_the_lab_file(tmp_path: Path) -> None:
    path = tmp_path / "network.json"
    path.write_text(
        '{"authorities": [{"nickname": "auth1", "ip": "10.213.2.101", "or_port": 9001, "dir_port": 9030,'
        f' "v3ident": "{"A" * 40}", "fingerprint": "{"B" * 40}"}}], "vanilla_bridge": "x"}}'
    )
    assert TestNetwork.from_json_file(path).authorities[0].nickname == "auth1"


@given(st.text(max_size=80))
def test_any_value_gives_one_line_or_is_refused(value: str) -> None:
    try:
        text = torrc_text((("ContactInfo", value),))
    except TorConfigRefused:
        assert any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)
    else:
        assert text.count("\n") == 1 and "\r" not in text and "\x00" not in text
