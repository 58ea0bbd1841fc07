"""Where the window is in the flow (the tray and the pages follow it)."""

from __future__ import annotations

DEMO_SOURCE = "demo"  # byway.demo.tor.DEMO_SOURCE, without importing the simulation here


class State:
    IDLE = "idle"
    TESTING = "testing"
    CONNECTING = "connecting"
    CONNECTED = "connected"
