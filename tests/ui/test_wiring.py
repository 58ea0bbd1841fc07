"""What the window hands the core: the saved upstream proxy and the remembered way reach the
connector, pre-checks and Moat's suggestions reach the advisor, the winning way is remembered per
network; and the status bar says which mode is active."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from byway.demo.advisor import stand_in_plan
from byway.plan import MoatSuggestion, Plan, ReachabilityCheck, Way
from byway.store.locations import Locations
from byway.store.settings import load_settings
from byway.tor.events import ConnectEvent, Session
from byway.tor.torrc import ProxyKind
from byway.transports.catalog import load_shipped
from byway.ui.ports import AdviceRequest, Collaborators, ConnectRequest
from byway.ui.preferences import Proxy
from byway.ui.window import State
from tests.ui.test_cancel import SlowNetwork

CHECK = ReachabilityCheck(Way.DIRECT, None, False, "tcp+tls", 3.0, "generic_timeout_error")
MOAT = (MoatSuggestion(Way.SNOWFLAKE, (), "builtin"),)


class Recorder:
    def __init__(self) -> None:
        self.advice: list[AdviceRequest] = []
        self.connects: list[ConnectRequest] = []
        self.disconnected = 0

    async def evidence(self, request: AdviceRequest, secrets: object, /) -> AdviceRequest:
        return replace(request, checks=(CHECK,), moat=MOAT)

    def advisor(self, request: AdviceRequest, /) -> Plan:
        self.advice.append(request)
        return stand_in_plan(request.analysis, load_shipped())

    def connector_for(self, request: ConnectRequest) -> Recorder:
        self.connects.append(request)
        return self

    async def connect(self, plan: Plan, on_event: Callable[[ConnectEvent], None]) -> Session:
        await asyncio.sleep(0)
        from byway.measure.observations import Endpoint

        return Session(
            Endpoint("127.0.0.1", 9150), plan.options[0], __import__("datetime").datetime.now(), 1.0
        )

    async def disconnect(self) -> None:
        self.disconnected += 1


def collaborators(recorder: Recorder) -> Collaborators:
    return Collaborators(
        runner=SlowNetwork(),
        advisor=recorder.advisor,
        connector=None,
        connector_for=recorder.connector_for,
        evidence=recorder.evidence,
        network_id=lambda salt: "net-" + ("salted" if salt else "nosalt"),
    )


def test_proxy_remembered_way_checks_and_moat_reach_the_core(qtbot, make_app, locations: Locations) -> None:
    recorder = Recorder()
    window = make_app(None, collaborators(recorder)).window
    window.prefs.save_proxy(Proxy("socks5", "127.0.0.1", 1080, "ann", "secret"))
    window.prefs.remember_way("net-salted", "snowflake")
    window.welcome.skip.click()
    qtbot.waitUntil(lambda: window.advice.connect_button.isVisible(), timeout=5000)
    request = recorder.advice[-1]
    assert request.checks == (CHECK,) and request.moat == MOAT
    assert request.remembered_way is Way.SNOWFLAKE
    assert window.advice_made is not None and window.advice_made.network_id == "net-salted"
    window.advice.connect_button.click()
    qtbot.waitUntil(lambda: window.state == State.CONNECTED, timeout=5000)
    sent = recorder.connects[-1]
    assert sent.proxy is not None and sent.proxy.kind is ProxyKind.SOCKS5
    assert (sent.proxy.host, sent.proxy.port, sent.proxy.username, sent.proxy.password) == (
        "127.0.0.1",
        1080,
        "ann",
        "secret",
    )
    assert sent.remembered_way is Way.SNOWFLAKE
    won = window.session.option.way.value if window.session else ""
    qtbot.waitUntil(
        lambda: load_settings(locations).settings.last_working_transport.get("net-salted") == won,
        timeout=5000,
    )
    salt = load_settings(locations).settings.ui.get("network.salt")
    assert isinstance(salt, str) and len(salt) == 32  # made once, kept; no address in the file
    window.connected.disconnect_button.click()
    qtbot.waitUntil(lambda: recorder.disconnected == 1, timeout=5000)


def test_the_status_bar_says_which_mode_is_active(qtbot, make_app, tmp_path) -> None:
    window = make_app("iran-2022").window
    qtbot.waitUntil(lambda: window.warmed, timeout=10000)  # later stages loaded while idle
    text = window.mode.text()
    assert "Installed mode" in text and "Demo" in text and "only for this session" in text
    window.open_settings()
    assert "Installed mode" in window.settings_page.general.storage.text()
    assert "until Byway closes" in window.settings_page.general.storage.text()


def test_portable_mode_is_shown(qtbot, tmp_path) -> None:
    from byway.store.secrets import MemorySecretStore
    from byway.ui.app import build

    root = tmp_path / "stick"
    root.mkdir()
    portable = Locations(root / "c", root / "d", root / "ca", root / "l", True, root)
    running = build(portable, demo="iran-2022", secrets=MemorySecretStore(), time_scale=0.002)
    qtbot.addWidget(running.window)
    try:
        assert "Portable mode" in running.window.mode.text()
        running.window.open_settings()
        assert str(root) in running.window.settings_page.general.storage.text()
    finally:
        running.worker.stop()
