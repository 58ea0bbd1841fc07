"""A UDP echo in the lab's world, to observe UDP blocking (QUIC and WebRTC die with it).

DNS, HTTP(S) and DNS-over-HTTPS come from :mod:`byway.servers.world`; UDP echo is the one service
the world needs that is not a real protocol peer of Byway's.
"""

from __future__ import annotations

import asyncio
import json
from typing import cast

from byway.lab import addresses as a


class _Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Python 3.11's selector transport is not a registered DatagramTransport subclass.
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(data, addr)


async def serve() -> None:
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(_Echo, local_addr=(a.WORLD.web_ip, a.WORLD.udp_echo_port))
    print(json.dumps({"world": "ready", "udp_only": True}), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve())
