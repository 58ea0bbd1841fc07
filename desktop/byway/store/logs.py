"""Diagnostic logs: off unless the user turns them on, and scrubbed of addresses and bridges.

A log file is exactly what a censor or a seized laptop would reveal, so nothing that identifies a
bridge or a network address is ever written: IPv4/IPv6 addresses, bridge lines (``obfs4 ...``,
``IP:PORT FINGERPRINT``), transport arguments such as ``cert=...`` and 40-hex relay fingerprints are
replaced before the record reaches the file.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from pathlib import Path

from byway.store.atomic import describe_os_error
from byway.store.errors import StorageUnavailable
from byway.store.locations import Locations

LOGGER_NAME = "byway"
LOG_FILE_NAME = "byway.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3

_TRANSPORTS = (
    r"(?:obfs[234]|meek_lite|meek|snowflake|webtunnel|scramblesuit|fte|conjure|dnstt|hysteria2?|vmess)"
)
_ADDRESS_START = r"(?:\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]?|\d{1,3}(?:\.\d{1,3}){3})"
_BRIDGE_LINE = re.compile(rf"(?i)\b(?:Bridge\s+)?{_TRANSPORTS}\s+{_ADDRESS_START}[^\n]*")
_VANILLA_BRIDGE_KEYWORD = re.compile(r"(?i)\bBridge\s+\S[^\n]*")
_TRANSPORT_ARGUMENT = re.compile(
    r"(?i)\b(cert|iat-mode|url|front|fronts|ice|utls-imitate|fingerprint|password|pubkey|user|"
    r"sqsqueue|sqscreds|domain|servername|ver)=\S+"
)
_FINGERPRINT = re.compile(r"(?<![0-9A-Fa-f])\$?[0-9A-Fa-f]{40}(?![0-9A-Fa-f])")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\d.])")
_IPV6_CANDIDATE = re.compile(
    r"\[?[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?:%[\w.]+)?\]?(?::\d{1,5})?"
)

BRIDGE_PLACEHOLDER = "[bridge]"
ADDRESS_PLACEHOLDER = "[address]"
FINGERPRINT_PLACEHOLDER = "[fingerprint]"


def _ipv6_or_same(match: re.Match[str]) -> str:
    """Replace a candidate only if it really is an IPv6 address (times like 12:30:05 stay)."""
    text = match.group(0)
    inner = text
    if inner.startswith("["):
        inner = inner[1:].split("]", 1)[0]
    inner = inner.split("%", 1)[0]
    try:
        ipaddress.IPv6Address(inner)
    except ValueError:
        return text
    return ADDRESS_PLACEHOLDER


def scrub(text: str) -> str:
    """Remove bridge lines, transport arguments, fingerprints and IP addresses from ``text``.

    >>> scrub("using obfs4 192.0.2.1:443 4352E58420E68F5E40BF7C74FADDCCD9D1349413 cert=abc iat-mode=0")
    'using [bridge]'
    >>> scrub("connect to [2001:db8::1]:443 and 198.51.100.7 at 12:30:05")
    'connect to [address] and [address] at 12:30:05'
    """
    text = _BRIDGE_LINE.sub(BRIDGE_PLACEHOLDER, text)
    text = _VANILLA_BRIDGE_KEYWORD.sub(BRIDGE_PLACEHOLDER, text)
    text = _TRANSPORT_ARGUMENT.sub(lambda m: f"{m.group(1)}=[scrubbed]", text)
    text = _FINGERPRINT.sub(FINGERPRINT_PLACEHOLDER, text)
    text = _IPV6_CANDIDATE.sub(_ipv6_or_same, text)
    return _IPV4.sub(ADDRESS_PLACEHOLDER, text)


class ScrubFilter(logging.Filter):
    """Rewrites each record's message, scrubbed, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


class ScrubbingFormatter(logging.Formatter):
    """Scrubs the final line too, so tracebacks and extra fields cannot leak an address."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


BYWAY_HANDLER = "byway-file-log"
"""The name of the handler this module installs, so it can be found and removed again."""


def _installed(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if h.get_name() == BYWAY_HANDLER]


def configure_logging(locations: Locations, enabled: bool) -> Path | None:
    """Turn the diagnostic log file on or off; return its path when on.

    When off (the default), any file handler installed earlier is closed and removed, and no file is
    created. Calling this twice with ``enabled=True`` does not add a second handler.
    """
    logger = logging.getLogger(LOGGER_NAME)
    for handler in _installed(logger):
        logger.removeHandler(handler)
        handler.close()
    if not enabled:
        return None
    from logging.handlers import RotatingFileHandler  # only when the log is on: most runs never need it

    path = locations.ensure(locations.log_dir) / LOG_FILE_NAME
    try:
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
        path.chmod(0o600)
    except OSError as error:
        raise StorageUnavailable(path, describe_os_error(error)) from error
    handler.set_name(BYWAY_HANDLER)
    handler.addFilter(ScrubFilter())
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return path
