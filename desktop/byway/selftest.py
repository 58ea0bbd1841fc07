"""``byway --self-test``: prove that a build works on this computer, without touching the network.

It is what CI runs on a fresh copy of the portable bundle, and what a trainer can run on a borrowed
computer before a workshop. In order, it:

1. opens the main window on Qt's offscreen platform (nothing appears on screen);
2. runs the workshop demo's diagnosis (a simulated network: no packet leaves the machine) through
   the real analysis and the real advisor;
3. finds tor, obfs4proxy, snowflake-client and the GeoIP files the way Byway does when it connects
   (:mod:`byway.transports.binaries`), and, in a bundle, insists that every one of them is the
   bundle's own copy, not one installed on the computer.

It prints one line per check and returns 0 only when every check passed. Qt is imported only through
:mod:`byway.ui`, and only after ``QT_QPA_PLATFORM=offscreen`` is set.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from byway.i18n import translate
from byway.store.locations import Locations, resolve_locations
from byway.transports.binaries import (
    BinaryName,
    FoundBinary,
    Origin,
    default_search_dirs,
    find_binary,
)

DEMO_SCENARIO = "iran-2022"
REQUIRED_BINARIES = (
    (BinaryName.TOR,),
    (BinaryName.LYREBIRD, BinaryName.OBFS4PROXY),  # either speaks obfs4
    (BinaryName.SNOWFLAKE_CLIENT,),
)
GEOIP_FILES = ("geoip", "geoip6")
SYSTEM_GEOIP_DIRS = (Path("/usr/share/tor"), Path("/usr/local/share/tor"))
"""Where distributions put tor's GeoIP tables; looked at only when not running from a bundle."""
DEMO_DEADLINE_S = 60.0


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str


def frozen_bundle() -> Path | None:
    """The bundle's folder (where the executable is) when running frozen, else ``None``."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def _bundle_roots(bundle: Path) -> tuple[Path, ...]:
    roots = [bundle.resolve()]
    if bundle.name == "MacOS" and bundle.parent.name == "Contents":
        roots.append(bundle.parent.resolve())  # a macOS .app keeps data in Contents/Resources
    inner = getattr(sys, "_MEIPASS", None)
    if isinstance(inner, str):
        roots.append(Path(inner).resolve())
    return tuple(roots)


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(root) for root in roots)


def check_binaries(
    bundle: Path | None, search_dirs: Sequence[Path], *, path_env: str | None = None
) -> list[Check]:
    """Find each program as Byway does (beside the app first, then ``PATH``); in a bundle, the hit
    must be the bundle's copy even when the computer has its own installed.

    The obfs4 client may be either program: the Linux bundle carries Debian's obfs4proxy, the
    Windows and macOS bundles the Tor Expert Bundle's lyrebird. Either one shipped in the bundle
    passes; the check is named after the one found.
    """
    checks: list[Check] = []
    roots = _bundle_roots(bundle) if bundle is not None else ()

    def bundled(found: FoundBinary) -> bool:
        return bundle is None or (found.origin is Origin.BESIDE_APP and _inside(found.path, roots))

    for names in REQUIRED_BINARIES:
        searches = [find_binary(name, search_dirs, path_env=path_env) for name in names]
        found_all = [s.found for s in searches if s.found is not None]
        good = next((f for f in found_all if bundled(f)), None)
        label = good.name.value if good is not None else " / ".join(n.value for n in names)
        if good is not None:
            checks.append(Check(label, True, f"{good.describe()}  {good.path}"))
        elif found_all:
            detail = translate("SelfTest", "{path} is the computer's copy, not the bundle's").format(
                path=found_all[0].path
            )
            checks.append(Check(label, False, detail))
        else:
            reasons = "; ".join(r.why for s in searches for r in s.rejected)
            detail = translate("SelfTest", "not found") + (f" ({reasons})" if reasons else "")
            checks.append(Check(label, False, detail))
    return checks


def check_geoip(bundle: Path | None, search_dirs: Sequence[Path]) -> list[Check]:
    """tor's GeoIP tables: looked for in the same folders as the programs (``tor/`` in the bundle)."""
    checks: list[Check] = []
    roots = _bundle_roots(bundle) if bundle is not None else ()
    for file_name in GEOIP_FILES:
        hit = next(
            (d / file_name for d in search_dirs if (d / file_name).is_file()),
            None,
        )
        if hit is None:
            checks.append(Check(file_name, False, translate("SelfTest", "not found")))
        elif bundle is not None and not _inside(hit, roots):
            checks.append(Check(file_name, False, str(hit)))
        elif hit.stat().st_size == 0:
            checks.append(Check(file_name, False, translate("SelfTest", "{path} is empty").format(path=hit)))
        else:
            checks.append(Check(file_name, True, f"{hit.stat().st_size} B  {hit}"))
    return checks


def check_window(locations: Locations, scenario: str) -> Check:
    """Build and show the real main window offscreen, in demo mode, with secrets kept in memory."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from byway.demo import load_scenario

    load_scenario(scenario)  # before build(): a bad name must not leave a half-built window behind
    try:
        from byway.store.secrets import MemorySecretStore
        from byway.ui.app import build
    except ImportError as error:
        return Check(
            "window", False, translate("SelfTest", "Qt cannot be loaded: {error}").format(error=error)
        )
    running = build(locations, demo=scenario, secrets=MemorySecretStore(), time_scale=0.0)
    try:
        running.window.show()
        running.app.processEvents()
        visible = running.window.isVisible()
        platform = running.app.platformName()
        title = running.window.windowTitle()
    finally:
        running.window.close()
        running.app.processEvents()
        running.worker.stop()
    if not visible:
        return Check("window", False, translate("SelfTest", "the main window did not open"))
    return Check("window", True, f"{title!r} on the {platform} platform")


def check_demo_diagnosis(scenario_name: str) -> Check:
    """The demo's simulated diagnosis, then the real analysis and advisor, as the window runs them."""
    from byway.analyze.analysis import analyze_diagnosis
    from byway.analyze.fingerprints import load_fingerprints
    from byway.measure.observations import Diagnosis
    from byway.ui.ports import AdviceRequest, demo_collaborators

    collaborators = demo_collaborators(scenario_name, 0.0)

    async def diagnose() -> Diagnosis:
        return await asyncio.wait_for(
            collaborators.runner(
                collaborators.targets, collaborators.probe_settings, (), lambda _progress: None
            ),
            DEMO_DEADLINE_S,
        )

    diagnosis = asyncio.run(diagnose())
    analysis = analyze_diagnosis(diagnosis, fingerprints=load_fingerprints())
    summary = analysis.summary
    if summary.targets == 0:
        return Check("demo diagnosis", False, translate("SelfTest", "the demo tested no sites"))
    plan_text = ""
    if collaborators.advisor is not None:
        plan = collaborators.advisor(AdviceRequest(analysis))
        if not plan.options and not plan.shutdown:
            return Check("demo diagnosis", False, translate("SelfTest", "the advisor proposed nothing"))
        plan_text = ", advice: " + (", ".join(o.way.value for o in plan.options) or "shutdown")
    detail = (
        f"{scenario_name}: {summary.blocked_targets}/{summary.targets} sites blocked, "
        f"tor {summary.tor.value}{plan_text}"
    )
    return Check("demo diagnosis", True, detail)


def _guarded(name: str, run: Callable[[], Check | list[Check]]) -> list[Check]:
    """A check that crashes is a failed check with the reason, not a traceback and a lost report."""
    try:
        result = run()
    except Exception as error:  # the whole point: report every failure in words
        return [Check(name, False, f"{type(error).__name__}: {error}")]
    return result if isinstance(result, list) else [result]


def run_self_test(
    locations: Locations | None = None,
    *,
    bundle: Path | None = None,
    scenario: str = DEMO_SCENARIO,
    out: Callable[[str], None] = print,
) -> int:
    """Run every check, print the report, return the exit status (0: all passed).

    ``bundle`` is the bundle's folder; by default the frozen executable's folder, and ``None`` when
    running from source (then the programs may come from anywhere and that is said, not failed).
    """
    bundle = bundle if bundle is not None else frozen_bundle()
    executable = (bundle / "byway") if bundle is not None else Path(sys.argv[0])
    if locations is None:
        locations = resolve_locations(None, executable)
    search_dirs = default_search_dirs(executable, locations.root)

    checks: list[Check] = []
    checks += _guarded("window", lambda: check_window(locations, scenario))
    checks += _guarded("demo diagnosis", lambda: check_demo_diagnosis(scenario))
    checks += _guarded("programs", lambda: check_binaries(bundle, search_dirs))
    geoip_dirs = search_dirs if bundle is not None else (*search_dirs, *SYSTEM_GEOIP_DIRS)
    checks += _guarded("geoip", lambda: check_geoip(bundle, geoip_dirs))

    where = str(bundle) if bundle is not None else translate("SelfTest", "not a bundle (running from source)")
    out(translate("SelfTest", "Byway self-test: {where}").format(where=where))
    storage = str(locations.root) if locations.portable else translate("SelfTest", "the user's folders")
    out(translate("SelfTest", "  files kept in: {place}").format(place=storage))
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        out(f"  {mark} {check.name}: {check.detail}")
    failed = [c.name for c in checks if not c.ok]
    if failed:
        out(translate("SelfTest", "Self-test failed: {names}").format(names=", ".join(failed)))
        return 1
    out(translate("SelfTest", "Self-test passed."))
    return 0
