"""Cancel gives control back at once, during the diagnosis and during the bootstrap."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from byway.demo import load_scenario
from byway.demo.advisor import stand_in_plan
from byway.measure.diagnosis import Progress, ProgressKind
from byway.measure.observations import Diagnosis, Target
from byway.plan import Plan
from byway.tor.events import BootstrapEvent, ConnectEvent, Session
from byway.transports.catalog import load_shipped
from byway.ui.ports import AdviceRequest, Collaborators
from byway.ui.window import State


class SlowNetwork:
    """A diagnosis that never ends by itself; records whether it was cancelled."""

    def __init__(self) -> None:
        self.cancelled = False

    async def __call__(
        self,
        targets: Sequence[Target],
        settings: object,
        relays: object,
        on_progress: Callable[[Progress], None],
        /,
    ) -> Diagnosis:
        on_progress(Progress(ProgressKind.STARTED, 0, 3))
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("not reached")


class StuckTor:
    """A connector stuck at 5%, like direct Tor behind a black hole."""

    def __init__(self) -> None:
        self.disconnected = False

    async def connect(self, plan: Plan, on_event: Callable[[ConnectEvent], None]) -> Session:
        on_event(BootstrapEvent(plan.options[0], 5, "conn", "Connecting to a relay"))
        await asyncio.sleep(3600)
        raise AssertionError("not reached")

    async def disconnect(self) -> None:
        self.disconnected = True


def advisor(request: AdviceRequest, /) -> Plan:
    return stand_in_plan(request.analysis, load_shipped())


def test_cancel_during_diagnosis(qtbot, make_app) -> None:
    network = SlowNetwork()
    collaborators = Collaborators(runner=network, advisor=advisor, connector=StuckTor())
    window = make_app(None, collaborators).window
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: window.diagnose_page.bar.maximum() == 3, timeout=5000)
    window.diagnose_page.cancel_button.click()
    assert window.stack.currentWidget() is window.welcome  # at once, not after the probes stop
    assert window.state == State.IDLE
    assert "stopped" in window.welcome.message.text().lower()
    qtbot.waitUntil(lambda: network.cancelled, timeout=5000)


def test_cancel_during_bootstrap(qtbot, make_app) -> None:
    tor = StuckTor()
    collaborators = Collaborators(runner=SlowNetwork(), advisor=advisor, connector=tor)
    window = make_app(None, collaborators).window
    window.welcome.skip.click()
    qtbot.waitUntil(lambda: window.advice.connect_button.isVisible(), timeout=5000)
    window.advice.connect_button.click()
    qtbot.waitUntil(lambda: window.connecting.bar.value() == 5, timeout=5000)
    assert window.state == State.CONNECTING
    window.connecting.cancel_button.click()
    assert window.state == State.IDLE
    assert window.stack.currentWidget() is window.advice
    qtbot.waitUntil(lambda: tor.disconnected, timeout=5000)


def test_demo_scenario_failing_every_way_says_so(qtbot, make_app, tmp_path) -> None:
    """When nothing works, the words say why and offer the way back; no traceback."""
    text = load_scenario("china-gfw").path.read_text(encoding="utf-8")
    text = text.replace('way = "snowflake"\noutcome = "works"', 'way = "snowflake"\noutcome = "stalls"')
    (tmp_path / "nothing-works.toml").write_text(text, encoding="utf-8")
    import byway.demo.scenario as scenario_module
    from byway.ui.ports import demo_collaborators

    path = str(tmp_path / "nothing-works.toml")
    assert scenario_module.scenario_path(path).is_file()
    window = make_app(None, demo_collaborators(path, 0.002)).window
    window.welcome.skip.click()
    qtbot.waitUntil(lambda: window.advice.connect_button.isVisible(), timeout=5000)
    window.advice.connect_button.click()
    qtbot.waitUntil(lambda: window.connecting.back_button.isVisible(), timeout=15000)
    assert "None of the ways" in window.connecting.problem.text()
    assert "Traceback" not in window.connecting.problem.text()
