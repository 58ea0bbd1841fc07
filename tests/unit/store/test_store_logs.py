"""Diagnostic logs are off by default and never hold an address or a bridge."""

from __future__ import annotations

import logging
import logging.handlers
import secrets
from pathlib import Path

import pytest

from byway.store import Locations, configure_logging, scrub
from byway.store.logs import BRIDGE_PLACEHOLDER

FINGERPRINT = "4352E58420E68F5E40BF7C74FADDCCD9D1349413"


def test_off_by_default_creates_nothing(locations: Locations) -> None:
    assert configure_logging(locations, enabled=False) is None
    logging.getLogger("byway.tor").error("something at 192.0.2.1")
    assert not locations.log_dir.exists()


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (
            f"Bridge obfs4 192.0.2.10:443 {FINGERPRINT} cert=AbC+dEf/123 iat-mode=0",
            ["192.0.2.10", FINGERPRINT, "AbC+dEf"],
        ),
        (
            f"trying snowflake 192.0.2.3:80 {FINGERPRINT} fingerprint={FINGERPRINT} url=https://x.example/",
            ["192.0.2.3", FINGERPRINT, "x.example"],
        ),
        (
            f"webtunnel [2001:db8::5]:443 {FINGERPRINT} url=https://w.example/path",
            ["2001:db8::5", FINGERPRINT, "w.example"],
        ),
        (
            f"meek_lite 192.0.2.18:80 {FINGERPRINT} url=https://meek.example/ front=www.example.com",
            ["192.0.2.18", "meek.example"],
        ),
        (f"vanilla bridge 203.0.113.9:9001 {FINGERPRINT} failed", ["203.0.113.9", FINGERPRINT]),
        (f"relay ${FINGERPRINT.lower()} chosen", [FINGERPRINT.lower()]),
        (
            "resolved to 198.51.100.23 and fe80::1%eth0 and ::ffff:192.0.2.1",
            ["198.51.100.23", "fe80::1", "192.0.2.1"],
        ),
        ("peer [2001:db8:0:0:1::1]:9001 reset", ["2001:db8:0:0:1::1"]),
        ("cert=SECRETCERT without a transport", ["SECRETCERT"]),
    ],
)
def test_scrub_removes_addresses_and_bridges(text: str, gone: list[str]) -> None:
    cleaned = scrub(text)
    for fragment in gone:
        assert fragment not in cleaned, cleaned


def test_scrub_keeps_ordinary_words_and_times() -> None:
    text = "Bootstrapped 45% at 12:30:05 (loading descriptors), obfs4 transport missing, tor 0.4.9"
    assert scrub(text) == text
    # A four-part dotted number could be an address: scrubbing it is the safe side.
    assert scrub("tor 0.4.9.1") == "tor [address]"


def test_log_file_is_scrubbed_rotating_and_private(locations: Locations) -> None:
    path = configure_logging(locations, enabled=True)
    assert path is not None and path.parent == locations.log_dir
    assert configure_logging(locations, enabled=True) == path  # no duplicate handler
    token = secrets.token_hex(20).upper()
    logger = logging.getLogger("byway.transports")
    logger.info("got bridge %s", f"obfs4 192.0.2.44:443 {token} cert=ZZTOP{token} iat-mode=0")
    logger.warning("probe to %s:%d failed", "2001:db8::44", 443)
    try:
        raise ConnectionError("connect to 198.51.100.44:443 refused")
    except ConnectionError:
        logger.exception("handshake with 203.0.113.44 failed")
    handlers = [
        h for h in logging.getLogger("byway").handlers if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(handlers) == 1 and handlers[0].maxBytes > 0 and handlers[0].backupCount > 0
    handlers[0].flush()
    written = path.read_text()
    for secret in (token, "192.0.2.44", "2001:db8::44", "198.51.100.44", "203.0.113.44", "ZZTOP"):
        assert secret not in written, written
    assert BRIDGE_PLACEHOLDER in written and "ConnectionError" in written and "refused" in written
    assert path.stat().st_mode & 0o777 == 0o600
    assert locations.log_dir.stat().st_mode & 0o777 == 0o700
    configure_logging(locations, enabled=False)
    logger.warning("after turning off")
    assert "after turning off" not in path.read_text()


def test_log_dir_is_under_temp_home(locations: Locations, home: Path) -> None:
    assert locations.log_dir.is_relative_to(home)
