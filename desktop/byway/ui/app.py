"""``byway`` with a display: build the application, the worker, the window and the tray, and run.

``run_app(args)`` takes the CLI's argparse namespace (``args.locations``, ``args.demo``); tests and
the benchmark use :func:`build` to get a window without entering the event loop.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from byway.store.locations import Locations
from byway.store.secrets import MemorySecretStore, SecretStore
from byway.store.settings import load_settings
from byway.ui import fonts, palette, translation
from byway.ui.ports import Collaborators, loading_collaborators
from byway.ui.preferences import Preferences
from byway.ui.window import MainWindow
from byway.ui.worker import CoreWorker

if TYPE_CHECKING:
    from byway.ui.tray import Tray

DEMO_SPEED_VARIABLE = "BYWAY_DEMO_SPEED"
"""A factor for every simulated delay (``0.2`` runs a demo five times faster)."""


@dataclass
class Running:
    app: QApplication
    window: MainWindow
    worker: CoreWorker
    tray: Tray | None = None  # once the window has appeared, where the desktop has a tray


GIL_SWITCH_S = 0.001
"""How long a Python thread may keep the interpreter when another asks for it (Python's default is
5 ms). The core's loop and its helper threads run Python while the GUI thread waits for its turn;
a shorter slice keeps the window's longest wait down, at a small cost in throughput."""


def application() -> QApplication:
    sys.setswitchinterval(GIL_SWITCH_S)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Byway")
    app.setDesktopFileName("byway")
    return app


def demo_speed() -> float:
    try:
        return max(0.0, float(os.environ.get(DEMO_SPEED_VARIABLE, "1")))
    except ValueError:
        return 1.0


def build(
    locations: Locations,
    *,
    collaborators: Collaborators | None = None,
    demo: str | None = None,
    secrets: SecretStore | None = None,
    time_scale: float | None = None,
    background: bool = False,
) -> Running:
    """Everything but the event loop. ``collaborators`` wins over ``demo`` wins over the real ones.

    With ``background`` the demo or real collaborators (and with them the network stack, the
    analysis and tor's modules) are built on the worker thread while the window is already shown;
    the window waits for them with its buttons disabled for that fraction of a second.
    """
    app = application()
    loaded = load_settings(locations)
    language = translation.install(app, translation.chosen_language(loaded.settings.language))
    if fonts.needed_for(language):
        fonts.load(app)
    palette.apply(app)
    scale = demo_speed() if time_scale is None else time_scale

    def make() -> Collaborators:
        from byway.ui.ports import demo_collaborators, real_collaborators

        return demo_collaborators(demo, scale) if demo else real_collaborators(locations)

    # Secrets start in memory; the keyring is opened on the worker, never on the GUI thread.
    prefs = Preferences(locations, secrets or MemorySecretStore(), loaded.settings)
    worker = CoreWorker()
    given = collaborators
    if given is None and not background:
        given = make()

    def scenarios() -> tuple[str, ...]:
        from byway.demo.words import shipped_names

        return shipped_names()

    window = MainWindow(given or loading_collaborators(), prefs, worker, scenarios)

    window.setProperty("language", language)
    if given is None:

        def not_built(error: BaseException) -> None:
            window.welcome.show_message(str(error))

        window.after_first_show(lambda: worker.run_blocking(make, window.use, not_built))
    window.after_first_show(lambda: fonts.load(app))

    def warm_up() -> None:
        from byway.ui import flow

        flow.warm_up()

    window.after_first_show(lambda: worker.run_blocking(warm_up, lambda _: window.warm_pages(), print))

    def switch(name: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        from byway.demo.scenario import ScenarioError
        from byway.ui.ports import demo_collaborators

        try:
            window.use(demo_collaborators(name, scale))
        except ScenarioError as error:
            QMessageBox.warning(window, window.tr("Demo mode"), str(error))

    window.demo_requested.connect(switch)
    running = Running(app, window, worker)

    def add_tray() -> None:
        from byway.ui.tray import Tray

        if Tray.isSystemTrayAvailable():
            running.tray = Tray(window)
            running.tray.show()

    window.after_first_show(add_tray)

    def set_icon() -> None:  # the SVG icon engine loads in ~10 ms: after the first paint
        from byway.ui.icons import icon

        window.setWindowIcon(icon("byway"))

    window.after_first_show(set_icon)
    for warning in loaded.warnings:
        window.welcome.show_message(warning.message)
    if secrets is None:  # the keyring, or the plain choice (session only / vault)
        window.after_first_show(window.secret_storage.start)
    else:
        window.secret_storage.settled = True
    app.aboutToQuit.connect(worker.stop)
    return running


def run_app(args: argparse.Namespace) -> int:
    """The CLI's entry point for the desktop app; returns the exit status."""
    app = application()
    demo = getattr(args, "demo", None)
    if demo:
        from byway.demo.scenario import ScenarioError, load_scenario

        try:
            load_scenario(demo)  # a mistake in the file is said on the terminal, before any window
        except ScenarioError as error:
            print(str(error), file=sys.stderr)
            return 2
    running = build(args.locations, demo=demo, background=True)
    from byway.ui.errors import install_excepthook

    install_excepthook(running.window)
    running.window.show()
    return leave(running, int(app.exec()))


def leave(running: Running, status: int) -> int:
    """Stop the worker and end the process now.

    PySide6 6.12 on Python 3.11 can over-release ``None``/``True`` while the interpreter tears its
    wrappers down ("Fatal Python error: none_dealloc"), turning a clean exit into a crash report.
    Everything Byway writes is already on disk (settings are written atomically when changed), so
    the process leaves without that teardown.
    """
    running.worker.stop()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
