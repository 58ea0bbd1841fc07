"""Run :class:`~tests.integration.connect.socks_proxy.Socks5Proxy` as its own process (inside the lab's
client namespace): ``python -m tests.integration.store.socks_proxy_runner USER PASSWORD``.

Prints ``PORT <n>`` once it listens; on SIGTERM prints ``CONNECTS <n> REFUSED <m>`` and exits.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from tests.integration.connect.socks_proxy import Socks5Proxy


async def serve(username: str, password: str) -> None:
    proxy = Socks5Proxy(username.encode(), password.encode())
    port = await proxy.start()
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await proxy.stop()
    print(f"CONNECTS {len(proxy.connects)} REFUSED {proxy.refused_logins}", flush=True)


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
