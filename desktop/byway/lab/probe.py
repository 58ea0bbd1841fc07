"""Plain network probes for the lab's client namespace; each prints one JSON line.

Deliberately independent of Byway's own measurement code: the lab's tests check the lab with
stdlib sockets and dnspython, so a bug in ``byway.measure`` cannot hide a bug in the censor.

    python -m byway.lab.probe tcp IP PORT TIMEOUT
    python -m byway.lab.probe tls IP PORT SNI TIMEOUT
    python -m byway.lab.probe dns NAME TIMEOUT LISTEN_S     (to the system resolver, collecting every reply)
    python -m byway.lab.probe http IP PORT HOST PATH TIMEOUT
    python -m byway.lab.probe rate IP PORT HOST PATH SECONDS
    python -m byway.lab.probe udp IP PORT TIMEOUT
    python -m byway.lab.probe doh URL NAME TIMEOUT
"""

from __future__ import annotations

import json
import socket
import ssl
import sys
import time
import urllib.request
from collections.abc import Callable

import dns.message
import dns.rcode


def classify(err: BaseException) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "refused"
    if isinstance(err, ConnectionResetError):
        return "reset"
    if isinstance(err, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(err, ssl.SSLError):
        return f"ssl:{err.reason}"
    return f"error:{type(err).__name__}:{err}"


def tcp(ip: str, port: str, timeout: str) -> dict[str, object]:
    start = time.monotonic()
    try:
        socket.create_connection((ip, int(port)), timeout=float(timeout)).close()
        result = "ok"
    except OSError as err:
        result = classify(err)
    return {"result": result, "elapsed": time.monotonic() - start}


def tls(ip: str, port: str, sni: str, timeout: str) -> dict[str, object]:
    context = ssl.create_default_context()
    start = time.monotonic()
    try:
        with socket.create_connection((ip, int(port)), timeout=float(timeout)) as raw:
            connected = time.monotonic() - start
            with context.wrap_socket(raw, server_hostname=sni) as conn:
                version = conn.version()
        return {
            "result": "ok",
            "version": version,
            "connected": connected,
            "elapsed": time.monotonic() - start,
        }
    except OSError as err:
        return {"result": classify(err), "elapsed": time.monotonic() - start}


def resolver() -> str:
    with open("/etc/resolv.conf") as handle:
        for line in handle:
            if line.startswith("nameserver"):
                return line.split()[1]
    raise SystemExit("no nameserver")


def dns_query(name: str, timeout: str, listen: str) -> dict[str, object]:
    query = dns.message.make_query(name, "A")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(query.to_wire(), (resolver(), 53))
    start = time.monotonic()
    replies: list[dict[str, object]] = []
    deadline = start + float(timeout)
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data, _ = sock.recvfrom(4096)
        except TimeoutError:
            break
        msg = dns.message.from_wire(data)
        addrs = [item.address for rrset in msg.answer for item in rrset if hasattr(item, "address")]
        replies.append(
            {"rcode": dns.rcode.to_text(msg.rcode()), "addrs": addrs, "t": time.monotonic() - start}
        )
        deadline = min(deadline, time.monotonic() + float(listen))
    return {"result": "ok" if replies else "timeout", "replies": replies}


def http(ip: str, port: str, host: str, path: str, timeout: str) -> dict[str, object]:
    start = time.monotonic()
    try:
        with socket.create_connection((ip, int(port)), timeout=float(timeout)) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1]) if head else 0
        return {"result": "ok", "status": status, "body": body.decode("latin-1")[:400], "length": len(body)}
    except OSError as err:
        return {"result": classify(err), "elapsed": time.monotonic() - start}


def rate(ip: str, port: str, host: str, path: str, seconds: str) -> dict[str, object]:
    start = time.monotonic()
    received = 0
    try:
        with socket.create_connection((ip, int(port)), timeout=10) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            conn.settimeout(float(seconds))
            while time.monotonic() - start < float(seconds):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
    except OSError as err:
        if not isinstance(err, TimeoutError):
            return {"result": classify(err)}
    elapsed = time.monotonic() - start
    return {"result": "ok", "bytes": received, "elapsed": elapsed, "kbit_s": received * 8 / 1000 / elapsed}


def udp(ip: str, port: str, timeout: str) -> dict[str, object]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(float(timeout))
    sock.sendto(b"byway-lab-ping", (ip, int(port)))
    try:
        data, _ = sock.recvfrom(100)
        return {"result": "ok", "echo": data.decode()}
    except OSError as err:
        return {"result": classify(err)}


def doh(url: str, name: str, timeout: str) -> dict[str, object]:
    wire = dns.message.make_query(name, "A").to_wire()
    if not url.startswith("https://"):
        raise SystemExit("DoH needs an https:// URL")
    request = urllib.request.Request(  # noqa: S310 - https only, checked above
        url, data=wire, headers={"Content-Type": "application/dns-message"}
    )
    with urllib.request.urlopen(request, timeout=float(timeout)) as response:  # noqa: S310
        msg = dns.message.from_wire(response.read())
    addrs = [item.address for rrset in msg.answer for item in rrset if hasattr(item, "address")]
    return {"result": "ok", "rcode": dns.rcode.to_text(msg.rcode()), "addrs": addrs}


PROBES: dict[str, Callable[..., dict[str, object]]] = {
    "tcp": tcp,
    "tls": tls,
    "dns": dns_query,
    "http": http,
    "rate": rate,
    "udp": udp,
    "doh": doh,
}

if __name__ == "__main__":
    print(json.dumps(PROBES[sys.argv[1]](*sys.argv[2:])))
