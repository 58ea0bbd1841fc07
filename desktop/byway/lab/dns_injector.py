"""The censor's rogue resolver: every DNS query from inside is DNAT-ed here.

Queries for names no rule mentions are forwarded to the world's resolver and the genuine answer is
relayed, so an open scenario stays honest. For censored names it answers NXDOMAIN or SERVFAIL,
stays silent (timeout), forges an A record, or races: forged answer at once, genuine answer when
it arrives, which is what an on-path injector like the GFW's looks like from the client (two
replies to one query). Conntrack's reverse NAT makes every reply come from the address the client
asked. The config file is re-read whenever it changes, so scenario switches need no restart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any, cast

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

from byway.lab import addresses as a


class _Config:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.mtime = 0.0
        self.upstream = a.WORLD.dns_ip
        self.rules: list[dict[str, Any]] = []

    def refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return
        if mtime != self.mtime:
            raw = json.loads(self.path.read_text())
            self.upstream, self.rules, self.mtime = str(raw["upstream"]), list(raw["rules"]), mtime

    def rule_for(self, qname: str) -> dict[str, Any] | None:
        name = qname.lower().rstrip(".")
        for rule in self.rules:
            for target in rule["names"]:
                if name == target or name.endswith("." + target):
                    return rule
        return None


def forged(query: dns.message.Message, answer: str) -> bytes:
    response = dns.message.make_response(query)
    question = query.question[0]
    if question.rdtype == dns.rdatatype.A:
        response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", answer))
    return response.to_wire()


def failure(query: dns.message.Message, rcode: dns.rcode.Rcode) -> bytes:
    response = dns.message.make_response(query)
    response.set_rcode(rcode)
    return response.to_wire()


class Injector(asyncio.DatagramProtocol):
    def __init__(self, config: _Config) -> None:
        self.config = config
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Python 3.11's selector transport is not a registered DatagramTransport subclass.
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.config.refresh()
        try:
            query = dns.message.from_wire(data)
            qname = str(query.question[0].name)
        except Exception:  # garbage in, silence out, like a real injector
            return
        rule = self.config.rule_for(qname)
        action = rule["action"] if rule else "forward"
        if action == "nxdomain":
            self._send(failure(query, dns.rcode.NXDOMAIN), addr)
        elif action == "servfail":
            self._send(failure(query, dns.rcode.SERVFAIL), addr)
        elif action == "inject":
            self._send(forged(query, str(rule["answer"]) if rule else a.BLOCKPAGE_IP), addr)
        elif action == "race":
            self._send(forged(query, str(rule["answer"]) if rule else a.BLOCKPAGE_IP), addr)
            asyncio.get_running_loop().create_task(self._forward(data, addr, delay=0.05))
        elif action == "forward":
            asyncio.get_running_loop().create_task(self._forward(data, addr))
        # "timeout": say nothing at all.

    def _send(self, wire: bytes, addr: tuple[str | Any, int]) -> None:
        if self.transport is not None:
            self.transport.sendto(wire, addr)

    async def _forward(self, data: bytes, addr: tuple[str | Any, int], *, delay: float = 0.0) -> None:
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[bytes] = loop.create_future()

        class _Upstream(asyncio.DatagramProtocol):
            def datagram_received(self, payload: bytes, _addr: tuple[str | Any, int]) -> None:
                if not reply.done():
                    reply.set_result(payload)

        transport, _ = await loop.create_datagram_endpoint(_Upstream, remote_addr=(self.config.upstream, 53))
        try:
            transport.sendto(data)
            payload = await asyncio.wait_for(reply, timeout=4.0)
            await asyncio.sleep(delay)
            self._send(payload, addr)
        except TimeoutError:
            pass
        finally:
            transport.close()


async def serve(listen: str, port: int, config_path: Path) -> None:
    config = _Config(config_path)
    config.refresh()
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Injector(config), local_addr=(listen, port))
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="The lab censor's rogue DNS resolver.")
    parser.add_argument("--listen", default=a.CENSOR_INSIDE_IP)
    parser.add_argument("--port", type=int, default=a.INJECTOR_PORT)
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.listen, args.port, args.config))


if __name__ == "__main__":
    main()
