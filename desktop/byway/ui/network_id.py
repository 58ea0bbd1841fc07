"""A name for "the network this computer is on", to remember which way out worked here last time.

Byway saves the winning way per network (``Settings.last_working_transport[network_id]``) and tries
it first the next time the same network is seen. The id must be

- *stable*: the same home or office network gives the same id on every run;
- *non-identifying*: the settings file must not say where the user has been.

So the id is derived from two things a network hands every computer on it, the DNS resolver
address(es) (``/etc/resolv.conf``) and the default gateway (``/proc/net/route``), hashed with a
random salt that is made once per installation (``Settings.ui["network.salt"]``)::

    network_id = "net-" + sha256(salt + "|" + resolvers + "|" + gateway)[:16 hex]

The salt makes ids from two installations impossible to compare, and the file holds no address.
(A determined reader of the settings file, who also has the salt, could still test guesses of
common gateway addresses; the id only says "a network seen before", never which.)

Where neither can be read (Windows, macOS without ``/etc/resolv.conf``, a sandbox), the id is
``"default"``: one shared memory, exactly as before ids existed.
"""

from __future__ import annotations

import hashlib
import secrets
import socket
import struct
from pathlib import Path

DEFAULT_ID = "default"
SALT_KEY = "network.salt"
RESOLV_CONF = Path("/etc/resolv.conf")
ROUTES = Path("/proc/net/route")


def resolvers(path: Path = RESOLV_CONF) -> tuple[str, ...]:
    """The ``nameserver`` addresses of resolv.conf, in order.

    >>> resolvers(Path("/nonexistent/resolv.conf"))
    ()
    """
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            found.append(parts[1])
    return tuple(found)


def default_gateway(path: Path = ROUTES) -> str:
    """The IPv4 default gateway from the kernel's routing table, or ``""``."""
    try:
        lines = path.read_text(encoding="ascii", errors="replace").splitlines()[1:]
    except OSError:
        return ""
    for line in lines:
        fields = line.split()
        if len(fields) > 2 and fields[1] == "00000000" and fields[2] != "00000000":
            try:
                return socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
            except (ValueError, struct.error):
                continue
    return ""


def network_id(salt: str, resolver_addresses: tuple[str, ...], gateway: str) -> str:
    """The salted hash of what names this network; ``"default"`` when nothing names it.

    >>> network_id("s", ("10.0.0.1",), "192.168.1.1") == network_id("s", ("10.0.0.1",), "192.168.1.1")
    True
    >>> network_id("s", ("10.0.0.1",), "") != network_id("t", ("10.0.0.1",), "")
    True
    >>> network_id("s", (), "")
    'default'
    """
    if not resolver_addresses and not gateway:
        return DEFAULT_ID
    material = f"{salt}|{','.join(resolver_addresses)}|{gateway}".encode()
    return "net-" + hashlib.sha256(material).hexdigest()[:16]


def new_salt() -> str:
    return secrets.token_hex(16)


def current_network_id(salt: str = "") -> str:
    """This computer's network right now (reads two small files: call it off the GUI thread)."""
    return network_id(salt, resolvers(), default_gateway())
