"""A typed tor configuration, turned into torrc lines only from checked values.

A torrc is a line-oriented language: a value carrying a newline becomes a second directive (an
attacker's ``SocksPort 0.0.0.0:9050``), and a ``#`` silently cuts the value short. So nothing here
accepts text to paste: :class:`TorConfig` holds typed parts (bridges as
:class:`~byway.transports.bridge_line.Bridge`, plugins as
:class:`~byway.transports.transport_support.ClientTransportPlugin`, an :class:`UpstreamProxy`), and
:func:`torrc_lines` refuses any key or value with a control character and quotes a value that needs it.

>>> config = TorConfig(data_dir=Path("/var/lib/b"), control_socket=Path("/run/b/c"), owning_pid=42)
>>> torrc_lines(config)[:3]
['DataDirectory /var/lib/b', 'ControlSocket /run/b/c', 'CookieAuthentication 1']
>>> torrc_lines((("Nickname", "x\\nSocksPort 0.0.0.0:9050"),))
Traceback (most recent call last):
...
byway.tor.errors.TorConfigRefused: A setting for Tor was refused (Nickname: a control character).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit

from byway.i18n import translate
from byway.tor.errors import TorConfigRefused
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.transport_support import ClientTransportPlugin

TorOption = tuple[str, str]

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}", re.ASCII)
_NICKNAME = re.compile(r"[A-Za-z0-9]{1,19}", re.ASCII)
_FINGERPRINT = re.compile(r"[0-9A-F]{40}", re.ASCII)
_HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}", re.ASCII)
_NEEDS_QUOTES = re.compile(r'[#"\\]|^\s|\s$')


class ProxyKind(StrEnum):
    """The upstream proxies tor can use. Plain ``http://`` proxies are used with CONNECT, as HTTPS."""

    HTTPS = "https"
    SOCKS4 = "socks4"
    SOCKS5 = "socks5"

    @classmethod
    def _missing_(cls, value: object) -> ProxyKind | None:
        """``ProxyKind("http")`` is the HTTPS (CONNECT) kind; ``socks5h`` is SOCKS5."""
        aliases = {"http": cls.HTTPS, "socks5h": cls.SOCKS5}
        return aliases.get(str(value).lower()) if isinstance(value, str) else None


@dataclass(frozen=True)
class UpstreamProxy:
    """A proxy the local network requires, with optional credentials (not for SOCKS4, which has none)."""

    kind: ProxyKind
    host: str
    port: int
    username: str = ""
    password: str = ""

    def __post_init__(self) -> None:
        _check_host(self.host)
        if isinstance(self.port, bool) or not 1 <= self.port <= 65535:
            raise TorConfigRefused("proxy", translate("Tor", "the port must be from 1 to 65535"))
        if self.kind is ProxyKind.SOCKS4 and (self.username or self.password):
            raise TorConfigRefused("proxy", translate("Tor", "a SOCKS4 proxy cannot take a password"))
        if self.kind is ProxyKind.SOCKS5 and (len(self.username) > 255 or len(self.password) > 255):
            raise TorConfigRefused("proxy", translate("Tor", "SOCKS5 user names and passwords stop at 255"))
        if self.kind is ProxyKind.HTTPS and ":" in self.username:
            raise TorConfigRefused("proxy", translate("Tor", "an HTTP user name cannot contain ':'"))
        for part in (self.username, self.password):
            _check_text("proxy", part)

    @classmethod
    def parse(cls, url: str) -> UpstreamProxy:
        """``http://``, ``https://``, ``socks4://`` or ``socks5://``, with ``user:password@`` if needed.

        >>> proxy = UpstreamProxy.parse("socks5://ann:s%40fe@10.0.0.1:1080")
        >>> proxy.kind.value, proxy.host, proxy.port, proxy.username, proxy.password
        ('socks5', '10.0.0.1', 1080, 'ann', 's@fe')
        """
        _check_text("proxy", url)
        parts = urlsplit(url)
        kinds = {"http": ProxyKind.HTTPS, "https": ProxyKind.HTTPS}
        kinds |= {"socks4": ProxyKind.SOCKS4, "socks5": ProxyKind.SOCKS5, "socks5h": ProxyKind.SOCKS5}
        kind = kinds.get(parts.scheme.lower())
        try:
            port = parts.port
        except ValueError:
            port = None
        if kind is None or not parts.hostname or port is None or parts.path not in ("", "/"):
            raise TorConfigRefused(
                "proxy",
                translate(
                    "Tor", "expected a proxy like socks5://host:1080 or http://user:password@host:8080"
                ),
            )
        return cls(kind, parts.hostname, port, unquote(parts.username or ""), unquote(parts.password or ""))

    def display(self) -> str:
        """The proxy without its password, for messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.username}@" if self.username else ""
        return f"{self.kind.value}://{user}{host}:{self.port}"

    def options(self) -> list[TorOption]:
        host = f"[{self.host}]" if ":" in self.host else self.host
        address = f"{host}:{self.port}"
        if self.kind is ProxyKind.HTTPS:
            lines = [("HTTPSProxy", address)]
            if self.username or self.password:
                lines.append(("HTTPSProxyAuthenticator", f"{self.username}:{self.password}"))
            return lines
        if self.kind is ProxyKind.SOCKS4:
            return [("Socks4Proxy", address)]
        lines = [("Socks5Proxy", address)]
        if self.username or self.password:
            lines += [("Socks5ProxyUsername", self.username), ("Socks5ProxyPassword", self.password)]
        return lines


@dataclass(frozen=True)
class DirectoryAuthority:
    """One directory authority of a private (test) Tor network."""

    nickname: str
    ip: str
    or_port: int
    dir_port: int
    v3ident: str
    fingerprint: str

    def __post_init__(self) -> None:
        ipaddress.IPv4Address(self.ip)
        fingerprints_ok = _FINGERPRINT.fullmatch(self.v3ident) and _FINGERPRINT.fullmatch(self.fingerprint)
        if not _NICKNAME.fullmatch(self.nickname) or not fingerprints_ok:
            raise TorConfigRefused("DirAuthority", translate("Tor", "not a directory authority"))
        for port in (self.or_port, self.dir_port):
            if isinstance(port, bool) or not 1 <= port <= 65535:
                raise TorConfigRefused("DirAuthority", translate("Tor", "the port must be from 1 to 65535"))

    def value(self) -> str:
        return (
            f"{self.nickname} orport={self.or_port} no-v2 v3ident={self.v3ident} "
            f"{self.ip}:{self.dir_port} {self.fingerprint}"
        )


@dataclass(frozen=True)
class TestNetwork:
    """A private Tor network (the censorship lab's): its authorities replace the public ones.

    Tor never touches the public network when this is set, which is what tests need.
    """

    __test__ = False  # not a pytest test class, despite the name
    authorities: tuple[DirectoryAuthority, ...]

    def __post_init__(self) -> None:
        if not self.authorities:
            raise TorConfigRefused("DirAuthority", translate("Tor", "a test network needs authorities"))

    @classmethod
    def from_json_file(cls, path: Path) -> TestNetwork:
        """Read ``{"authorities": [{"nickname": ..., "ip": ..., ...}, ...]}`` (the lab's network.json)."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        fields = ("nickname", "ip", "or_port", "dir_port", "v3ident", "fingerprint")
        return cls(
            tuple(
                DirectoryAuthority(
                    str(a["nickname"]),
                    str(a["ip"]),
                    int(a["or_port"]),
                    int(a["dir_port"]),
                    str(a["v3ident"]),
                    str(a["fingerprint"]),
                )
                for a in raw["authorities"]
                if all(f in a for f in fields)
            )
        )

    def options(self) -> list[TorOption]:
        return [
            ("TestingTorNetwork", "1"),
            ("PathsNeededToBuildCircuits", "0.67"),
            ("V3AuthNIntervalsValid", "2"),
            ("TestingMinExitFlagThreshold", "0"),
            *(("DirAuthority", authority.value()) for authority in self.authorities),
        ]


@dataclass(frozen=True)
class TorConfig:
    """Everything Byway tells tor, as values. ``socks_port=None`` lets tor pick a free port.

    ``disable_network`` starts tor idle, so event listeners are attached before the first bootstrap
    event (nothing is missed) and a race can prepare several tors and enable them one by one.
    """

    data_dir: Path
    control_socket: Path
    socks_port: int | None = None
    owning_pid: int | None = None
    bridges: tuple[Bridge, ...] = ()
    plugins: tuple[ClientTransportPlugin, ...] = ()
    proxy: UpstreamProxy | None = None
    disable_network: bool = True
    test_network: TestNetwork | None = None
    log_file: Path | None = None
    load_geoip: bool = False

    def transports(self) -> frozenset[Transport]:
        return frozenset(b.transport for b in self.bridges if b.transport is not Transport.VANILLA)

    def options(self) -> list[TorOption]:
        """The configuration as ordered ``(key, value)`` pairs."""
        socks = "auto" if self.socks_port is None else f"127.0.0.1:{self.socks_port}"
        lines: list[TorOption] = [
            ("DataDirectory", str(self.data_dir)),
            ("ControlSocket", str(self.control_socket)),
            ("CookieAuthentication", "1"),
            ("ControlPort", "0"),
            ("SocksPort", socks),
            ("ClientOnly", "1"),
            ("DisableNetwork", "1" if self.disable_network else "0"),
        ]
        if not self.load_geoip:
            # Reading the GeoIP tables delays tor's first control answer by ~1 s, and Byway never
            # chooses relays by country.
            lines += [("GeoIPFile", os.devnull), ("GeoIPv6File", os.devnull)]
        if self.owning_pid is not None:
            lines.append(("__OwningControllerProcess", str(int(self.owning_pid))))
        if self.log_file is not None:
            lines.append(("Log", f"notice file {self.log_file}"))
        if self.test_network is not None:
            lines += self.test_network.options()
        if self.bridges:
            lines.append(("UseBridges", "1"))
            lines += [("Bridge", bridge.to_torrc_value()) for bridge in self.bridges]
        for plugin in self.plugins:
            names = ",".join(t.value for t in plugin.transports)
            lines.append(
                (
                    "ClientTransportPlugin",
                    " ".join((names, "exec", str(plugin.executable), *plugin.arguments)),
                )
            )
        if self.proxy is not None:
            lines += self.proxy.options()
        return lines


def torrc_lines(source: TorConfig | Iterable[TorOption]) -> list[str]:
    """Validated torrc lines: keys are option names, values are single lines, quoted if needed."""
    options = source.options() if isinstance(source, TorConfig) else list(source)
    lines = []
    for key, value in options:
        if not _KEY.fullmatch(key):
            raise TorConfigRefused(key[:40], translate("Tor", "not an option name"))
        _check_text(key, value)
        lines.append(f"{key} {_quoted(value) if _NEEDS_QUOTES.search(value) else value}")
    return lines


def torrc_text(source: TorConfig | Iterable[TorOption]) -> str:
    return "\n".join(torrc_lines(source)) + "\n"


def _quoted(value: str) -> str:
    """tor reads a value that starts with ``"`` as a C string, so ``#`` and spaces survive."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check_text(key: str, value: str) -> None:
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise TorConfigRefused(key, translate("Tor", "a control character"))


def _check_host(host: str) -> None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOST_NAME.fullmatch(host):
            raise TorConfigRefused("proxy", translate("Tor", "not a host name or IP address")) from None
