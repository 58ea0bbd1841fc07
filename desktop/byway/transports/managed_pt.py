"""Running a pluggable transport without tor: client managed mode (pt-spec v1) and SOCKS5 through it.

Two things need a PT outside tor: the obfs4 pre-check (a real obfs4 handshake says far more than a
TCP connect, and costs a second instead of a bootstrap) and reaching Moat through meek when
bridges.torproject.org is blocked. Both start the PT the way tor does (environment variables, the
``VERSION``/``CMETHOD``/``CMETHODS DONE`` lines on stdout), then speak SOCKS5 to its listener,
passing the bridge's arguments (``cert=...;iat-mode=0``) as the SOCKS username and password.

The PT is stopped by closing its stdin (``TOR_PT_EXIT_ON_STDIN_CLOSE=1``), with a terminate and a
kill as back-ups: a PT left running would keep a local SOCKS port open for anyone on the machine.

>>> encode_pt_args([("url", "https://a.example/"), ("front", "b.example")])
(b'url=https://a.example/;front=b.example', b'\\x00')
>>> encode_pt_args([("k", "a;b=c\\\\")])[0]
b'k=a\\\\;b\\\\=c\\\\\\\\'
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import struct
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from byway.i18n import translate

PT_START_TIMEOUT_S = 10.0
STOP_GRACE_S = 2.0
USERNAME_LIMIT = 255

SOCKS_REPLIES: Mapping[int, str] = {
    1: "general_failure",
    2: "connection_not_allowed",
    3: "network_unreachable",
    4: "host_unreachable",
    5: "connection_refused",
    6: "ttl_expired",
    7: "command_not_supported",
    8: "address_type_not_supported",
}
"""SOCKS5 reply codes in OONI-like words: what the PT says happened on its way to the bridge."""


class ManagedTransportError(RuntimeError):
    """The PT could not be started or refused the configuration (its own words are kept)."""


class SocksError(OSError):
    """The PT's SOCKS listener refused the connection; ``failure`` is a short machine word."""

    def __init__(self, failure: str, message: str) -> None:
        self.failure = failure
        super().__init__(message)


@dataclass(frozen=True)
class ClientMethod:
    """A ``CMETHOD`` line: this transport is served by a SOCKS5 listener at ``host:port``."""

    transport: str
    host: str
    port: int


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace("=", "\\=")


def encode_pt_args(arguments: Sequence[tuple[str, str]]) -> tuple[bytes, bytes]:
    """SOCKS5 username and password carrying ``key=value`` pairs (pt-spec 3.5).

    Pairs are joined with ``;`` after escaping ``\\``, ``;`` and ``=``; the first 255 bytes go in the
    username, the rest in the password; when everything fits, the password is one NUL byte (SOCKS5
    does not allow an empty one). The split may fall inside an escape: the PT joins the two halves
    back before it unescapes.
    """
    if not arguments:
        raise ValueError("at least one argument is needed for username/password authentication")
    joined = ";".join(f"{_escape(key)}={_escape(value)}" for key, value in arguments).encode("utf-8")
    if len(joined) > 2 * USERNAME_LIMIT:
        raise ValueError("the transport arguments are longer than SOCKS5 can carry (510 bytes)")
    username, password = joined[:USERNAME_LIMIT], joined[USERNAME_LIMIT:]
    return username, password or b"\x00"


def decode_pt_args(username: bytes, password: bytes) -> tuple[tuple[str, str], ...]:
    """The inverse of :func:`encode_pt_args` (what the PT does); used by tests and test servers."""
    raw = (username + (b"" if password == b"\x00" else password)).decode("utf-8")
    pairs: list[tuple[str, str]] = []
    key, value, current, escaped, in_value = "", "", "", False, False
    for char in raw + ";":
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "=" and not in_value:
            key, current, in_value = current, "", True
        elif char == ";":
            if not in_value:
                raise ValueError("an argument without '='")
            value, current, in_value = current, "", False
            pairs.append((key, value))
        else:
            current += char
    return tuple(pairs)


def parse_pt_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Split one managed-mode line into its keyword and the rest (``CMETHOD obfs4 socks5 ...``)."""
    keyword, _, rest = line.strip().partition(" ")
    return keyword, tuple(rest.split(" ")) if rest else ()


def _pt_env(
    transports: Sequence[str], state_dir: Path, proxy: str | None, base: Mapping[str, str]
) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not k.startswith("TOR_PT_")}
    env.update(
        TOR_PT_MANAGED_TRANSPORT_VER="1",
        TOR_PT_STATE_LOCATION=str(state_dir),
        TOR_PT_CLIENT_TRANSPORTS=",".join(transports),
        TOR_PT_EXIT_ON_STDIN_CLOSE="1",
    )
    if proxy is not None:
        env["TOR_PT_PROXY"] = proxy
    return env


async def _read_methods(
    stdout: asyncio.StreamReader, transports: Sequence[str], proxy_wanted: bool
) -> dict[str, ClientMethod]:
    """Read the PT's answers up to ``CMETHODS DONE``; raise with the PT's words on any refusal."""
    methods: dict[str, ClientMethod] = {}
    while True:
        raw = await stdout.readline()
        if not raw:
            raise ManagedTransportError(
                translate("Transports", "the transport program exited before it was ready")
            )
        keyword, fields = parse_pt_line(raw.decode("utf-8", errors="replace"))
        detail = " ".join(fields)
        if keyword == "VERSION" and fields != ("1",):
            raise ManagedTransportError(translate("Transports", "unsupported managed-mode version"))
        if keyword in ("VERSION-ERROR", "ENV-ERROR", "PROXY-ERROR", "CMETHOD-ERROR"):
            raise ManagedTransportError(
                translate("Transports", "the transport program refused: {detail}").format(
                    detail=f"{keyword} {detail}"
                )
            )
        if keyword == "CMETHOD" and len(fields) >= 3 and fields[1] == "socks5":
            host, _, port = fields[2].rpartition(":")
            methods[fields[0]] = ClientMethod(fields[0], host.strip("[]"), int(port))
        if keyword == "CMETHODS" and fields[:1] == ("DONE",):
            missing = [name for name in transports if name not in methods]
            if missing:
                raise ManagedTransportError(
                    translate("Transports", "the transport program does not offer {names}").format(
                        names=", ".join(missing)
                    )
                )
            return methods
        if keyword == "PROXY" and fields[:1] != ("DONE",) and proxy_wanted:
            raise ManagedTransportError(translate("Transports", "the upstream proxy was not accepted"))


async def _drain(stream: asyncio.StreamReader) -> None:
    """Keep reading the PT's stdout after start-up so a chatty PT never blocks on a full pipe."""
    with contextlib.suppress(Exception):
        while await stream.readline():
            pass


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Close stdin (the polite way), then terminate, then kill: the PT must not outlive us."""
    if process.stdin is not None:
        process.stdin.close()
    for step in (None, process.terminate, process.kill):
        if step is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                step()
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), STOP_GRACE_S)
            return
        except TimeoutError:
            continue


@contextlib.asynccontextmanager
async def managed_transport(
    binary: Path,
    transports: Sequence[str],
    *,
    state_dir: Path | None = None,
    proxy: str | None = None,
    timeout_s: float = PT_START_TIMEOUT_S,
) -> AsyncIterator[dict[str, ClientMethod]]:
    """Run ``binary`` as a client PT for ``transports``; yield its SOCKS listeners by transport name.

    ``state_dir`` defaults to a private temporary folder removed afterwards. The PT is stopped when
    the block exits, also on cancellation.
    """
    with contextlib.ExitStack() as stack:
        if state_dir is None:
            state_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="byway-pt-")))
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            process = await asyncio.create_subprocess_exec(
                str(binary),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                env=_pt_env(transports, state_dir, proxy, os.environ),
            )
        except OSError as error:
            raise ManagedTransportError(
                translate("Transports", "{path} could not be started ({error})").format(
                    path=binary, error=error.strerror or error
                )
            ) from error
        assert process.stdout is not None
        drain: asyncio.Task[None] | None = None
        try:
            try:
                async with asyncio.timeout(timeout_s):
                    methods = await _read_methods(process.stdout, transports, proxy is not None)
            except TimeoutError as error:
                raise ManagedTransportError(
                    translate("Transports", "the transport program did not get ready in time")
                ) from error
            drain = asyncio.get_running_loop().create_task(_drain(process.stdout))
            yield methods
        finally:
            await _stop(process)
            if drain is not None:
                drain.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await drain


def _socks_address(host: str, port: int) -> bytes:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        name = host.encode("idna")
        return b"\x03" + bytes([len(name)]) + name + struct.pack("!H", port)
    kind = b"\x01" if ip.version == 4 else b"\x04"
    return kind + ip.packed + struct.pack("!H", port)


async def _socks_handshake(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    destination: tuple[str, int],
    arguments: Sequence[tuple[str, str]],
) -> None:
    method = b"\x02" if arguments else b"\x00"
    writer.write(b"\x05\x01" + method)
    await writer.drain()
    version, chosen = await reader.readexactly(2)
    if version != 5 or chosen != method[0]:
        raise SocksError("socks_auth_refused", translate("Transports", "the SOCKS proxy refused to log in"))
    if arguments:
        username, password = encode_pt_args(arguments)
        writer.write(b"\x01" + bytes([len(username)]) + username + bytes([len(password)]) + password)
        await writer.drain()
        _, status = await reader.readexactly(2)
        if status != 0:
            raise SocksError(
                "socks_auth_refused", translate("Transports", "the transport refused the bridge arguments")
            )
    writer.write(b"\x05\x01\x00" + _socks_address(*destination))
    await writer.drain()
    _, reply, _, kind = await reader.readexactly(4)
    if reply != 0:
        word = SOCKS_REPLIES.get(reply, f"socks_error_{reply}")
        raise SocksError(
            word, translate("Transports", "the transport could not connect: {word}").format(word=word)
        )
    length = {1: 4, 4: 16}.get(kind)
    if length is None:
        length = (await reader.readexactly(1))[0]
    await reader.readexactly(length + 2)


async def socks5_connect(
    proxy: ClientMethod,
    destination: tuple[str, int],
    arguments: Sequence[tuple[str, str]] = (),
    *,
    timeout_s: float,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a stream to ``destination`` through a PT's SOCKS5 listener, or raise.

    obfs4proxy replies "succeeded" only once its obfs4 handshake with the bridge is done, so a
    successful return *is* the handshake check. Raises :class:`SocksError`, ``OSError`` or
    ``TimeoutError``.
    """
    async with asyncio.timeout(timeout_s):
        reader, writer = await asyncio.open_connection(proxy.host, proxy.port)
        try:
            await _socks_handshake(reader, writer, destination, arguments)
        except BaseException:
            writer.transport.abort()
            raise
    return reader, writer
