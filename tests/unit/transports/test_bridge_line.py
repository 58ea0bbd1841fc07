"""Bridge lines: every form Tor Browser ships parses and round-trips; everything else is refused clearly."""

from __future__ import annotations

import json
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

import pytest

from byway import i18n
from byway.transports.bridge_line import (
    Bridge,
    BridgeAddress,
    BridgeLineError,
    Reason,
    Transport,
    parse_bridge_line,
    parse_bridge_lines,
)

PT_CONFIG = Path(__file__).parents[3] / "resources" / "bridges" / "pt_config.json"
FP = "D9A82D2F9C2F65A18407B1D2B764F130847F8B5D"
CERT = "bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg"
OBFS4 = f"obfs4 37.218.245.14:38224 {FP} cert={CERT} iat-mode=0"
WEBTUNNEL = f"webtunnel [2001:db8:3::7]:443 {FP} url=https://example.net/c2VjcmV0 ver=0.0.1"
CONJURE = "conjure 143.110.214.222:80 url=https://registration.refraction.network/api front=cdn.sstatic.net"


def shipped_lines() -> list[str]:
    document = json.loads(PT_CONFIG.read_text(encoding="utf-8"))
    return [line for lines in document["bridges"].values() for line in lines]


@pytest.mark.parametrize(
    "line", [*shipped_lines(), OBFS4, WEBTUNNEL, CONJURE, "192.0.2.9:9001", f"[::1]:443 {FP}"]
)
def test_real_lines_parse_and_serialise_to_themselves(line: str) -> None:
    bridge = parse_bridge_line(line)
    assert bridge.to_torrc_value() == line == str(bridge)
    assert parse_bridge_line(str(bridge)) == bridge


def test_shipped_catalog_covers_three_transports() -> None:
    kinds = {parse_bridge_line(line).transport for line in shipped_lines()}
    assert kinds == {Transport.OBFS4, Transport.SNOWFLAKE, Transport.MEEK_LITE}


def test_fields_are_typed() -> None:
    bridge = parse_bridge_line(OBFS4)
    assert bridge.transport is Transport.OBFS4
    assert bridge.address == BridgeAddress(IPv4Address("37.218.245.14"), 38224)
    assert bridge.fingerprint == FP
    assert bridge.arguments == (("cert", CERT), ("iat-mode", "0"))
    assert bridge.argument("cert") == CERT and bridge.argument("nope") is None
    ipv6 = parse_bridge_line(WEBTUNNEL)
    assert ipv6.address.ip == IPv6Address("2001:db8:3::7")


def test_torrc_keyword_extra_spaces_and_lowercase_fingerprint_are_normalised() -> None:
    pasted = f"  bridge   obfs4  37.218.245.14:38224 {FP.lower()}  cert={CERT} iat-mode=0 "
    assert str(parse_bridge_line(pasted)) == OBFS4
    assert parse_bridge_line("Bridge " + OBFS4) == parse_bridge_line(OBFS4)


def test_building_a_bridge_directly_applies_the_same_rules() -> None:
    address = BridgeAddress(IPv4Address("192.0.2.1"), 443)
    with pytest.raises(BridgeLineError) as caught:
        Bridge(Transport.OBFS4, address, FP, (("cert", CERT), ("iat-mode", "0\nSocksPort 9050")))
    assert caught.value.reason is Reason.UNSAFE_VALUE
    with pytest.raises(BridgeLineError) as caught:
        Bridge(Transport.OBFS4, address, FP, (("cert", CERT), ("iat-mode", "00")))
    assert caught.value.reason is Reason.BAD_IAT_MODE
    with pytest.raises(BridgeLineError):
        Bridge(Transport.MEEK_LITE, address, None, (("url", "https://a.example/\n"),))
    with pytest.raises(BridgeLineError) as caught:
        BridgeAddress(IPv4Address("192.0.2.1"), 70000)
    assert caught.value.reason is Reason.BAD_PORT


@pytest.mark.parametrize(
    ("line", "reason", "words"),
    [
        (f"{OBFS4}\nSocksPort 0.0.0.0:9050", Reason.CONTROL_CHARACTER, "U+000A"),
        (f"{OBFS4}\rSocksPort 0.0.0.0:9050", Reason.CONTROL_CHARACTER, "U+000D"),
        (f"{OBFS4}\x00", Reason.CONTROL_CHARACTER, "U+0000"),
        (f"{OBFS4}\u2028SocksPort 9050", Reason.CONTROL_CHARACTER, "U+2028"),
        (f"{OBFS4}\u0085SocksPort 9050", Reason.CONTROL_CHARACTER, "U+0085"),
        (f"{OBFS4}\tx", Reason.CONTROL_CHARACTER, "U+0009"),
        (f"{OBFS4} # comment", Reason.COMMENT, "'#'"),
        (OBFS4.replace("obfs4 37", "obfs4 ３7"), Reason.NON_ASCII, "not plain ASCII"),
        (f"obfs4 37.218.245.14:38224 {FP[:-1]} cert={CERT} iat-mode=0", Reason.BAD_FINGERPRINT, "got 39"),
        (
            f"obfs4 37.218.245.14:38224 {FP[:-1]}G cert={CERT} iat-mode=0",
            Reason.BAD_FINGERPRINT,
            "hexadecimal",
        ),
        (f"obfs4 37.218.245.14:38224 cert={CERT} iat-mode=0", Reason.MISSING_FINGERPRINT, "fingerprint"),
        (OBFS4.replace(CERT, CERT + "=="), Reason.BAD_CERT, "70 characters"),
        (OBFS4.replace(CERT, CERT[:-2] + "Sh"), Reason.BAD_CERT, "52-byte"),
        (OBFS4.replace(CERT, CERT[:-1] + "."), Reason.BAD_CERT, "base64"),
        (OBFS4.replace(CERT, CERT[:-1] + "!"), Reason.UNSAFE_VALUE, "not allowed"),
        (OBFS4.replace("iat-mode=0", "iat-mode=3"), Reason.BAD_IAT_MODE, "0, 1 or 2"),
        (OBFS4.replace(" iat-mode=0", ""), Reason.MISSING_ARGUMENT, "iat-mode="),
        (OBFS4 + " iat-mode=1", Reason.DUPLICATE_KEY, "more than once"),
        (OBFS4 + " node-id=x", Reason.UNKNOWN_ARGUMENT, "only cert= and iat-mode="),
        (OBFS4 + " SocksPort 0.0.0.0:9050", Reason.EXTRA_TEXT, "'SocksPort'"),
        ("1.2.3.4:443 SocksPort", Reason.BAD_FINGERPRINT, "got 9"),
        (f"1.2.3.4:443 {FP} x=1", Reason.EXTRA_TEXT, "only an address"),
        (OBFS4.replace("37.218.245.14", "37.218.245.256"), Reason.BAD_ADDRESS, "IPv4 or IPv6"),
        (OBFS4.replace("37.218.245.14", "037.218.245.14"), Reason.BAD_ADDRESS, "IPv4 or IPv6"),
        (OBFS4.replace("37.218.245.14", "bridge.example.org"), Reason.BAD_ADDRESS, "IPv4 or IPv6"),
        ("2001:db8::1:443", Reason.BAD_ADDRESS, "brackets"),
        ("[fe80::1%eth0]:443", Reason.BAD_ADDRESS, "IPv4 or IPv6"),
        ("1.2.3.4", Reason.BAD_ADDRESS, "and a port"),
        ("1.2.3.4:0", Reason.BAD_PORT, "1 to 65535"),
        ("1.2.3.4:65536", Reason.BAD_PORT, "1 to 65535"),
        ("1.2.3.4:4४3", Reason.NON_ASCII, "ASCII"),
        ("obfs3 1.2.3.4:443", Reason.UNKNOWN_TRANSPORT, "'obfs3' is not a transport"),
        ("obfs4", Reason.MISSING_ADDRESS, "needs an address"),
        ("Bridge ", Reason.EMPTY, "empty"),
        ("", Reason.EMPTY, "empty"),
        ("meek_lite 192.0.2.20:80 front=a.example", Reason.MISSING_ARGUMENT, "url="),
        ("meek_lite 192.0.2.20:80 url=javascript:alert(1)", Reason.BAD_URL, "http or https"),
        ("meek_lite 192.0.2.20:80 url=https://u:p@a.example/", Reason.BAD_URL, "user name"),
        ('meek_lite 192.0.2.20:80 url=https://a.example/"x', Reason.UNSAFE_VALUE, "URL"),
        ("meek_lite 192.0.2.20:80 url=https://a.example/ front=a\\b", Reason.UNSAFE_VALUE, "not allowed"),
        ("meek_lite 192.0.2.20:80 url=https://a.example/ front=", Reason.BAD_ARGUMENT, "no value"),
        ("meek_lite 192.0.2.20:80 url=https://a.example/ =x", Reason.BAD_ARGUMENT, "argument name"),
        (
            f"snowflake 192.0.2.3:80 {FP} fingerprint={'0' * 40} url=https://a.example/",
            Reason.FINGERPRINT_MISMATCH,
            "",
        ),
        ("x" * 5000, Reason.TOO_LONG, "5000"),
    ],
)
def test_refusals_say_what_is_wrong(line: str, reason: Reason, words: str) -> None:
    with pytest.raises(BridgeLineError) as caught:
        parse_bridge_line(line)
    assert caught.value.reason is reason
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_non_text_is_refused() -> None:
    with pytest.raises(BridgeLineError):
        parse_bridge_line(b"1.2.3.4:443")  # type: ignore[arg-type]


def test_messages_go_through_the_translation_layer() -> None:
    i18n.install(lambda context, text: f"[{context}] " + text.replace("fingerprint", "empreinte"))
    try:
        with pytest.raises(BridgeLineError) as caught:
            parse_bridge_line(f"1.2.3.4:443 {FP[:-1]}")
    finally:
        i18n.install(None)
    assert str(caught.value) == "[BridgeLine] the empreinte must be 40 hexadecimal characters; got 39"


def test_pasted_block_skips_blanks_and_duplicates_and_numbers_errors() -> None:
    block = (
        "\r\n".join(["", OBFS4, "   ", f"Bridge {OBFS4}", "not a bridge", WEBTUNNEL, "1.2.3.4:99999"]) + "\n"
    )
    bridges, errors = parse_bridge_lines(block)
    assert [str(b) for b in bridges] == [OBFS4, WEBTUNNEL]
    assert [(e.line_number, e.reason) for e in errors] == [
        (5, Reason.UNKNOWN_TRANSPORT),
        (7, Reason.BAD_PORT),
    ]
    assert str(errors[1]).startswith("line 7: ")


def test_pasted_block_does_not_split_on_unicode_line_separators() -> None:
    bridges, errors = parse_bridge_lines(f"{OBFS4}\u2028192.0.2.1:443")
    assert bridges == [] and [e.reason for e in errors] == [Reason.CONTROL_CHARACTER]
