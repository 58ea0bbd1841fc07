"""The connector of the current connection, kept for Disconnect (it is built on the worker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byway.ui.ports import Connector


class ConnectorSlot:
    def __init__(self) -> None:
        self.current: Connector | None = None

    async def disconnect(self) -> None:
        connector, self.current = self.current, None
        if connector is not None:
            await connector.disconnect()
