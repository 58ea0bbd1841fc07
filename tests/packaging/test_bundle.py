"""The built Linux portable bundle (``make bundle`` -> ``dist/byway/``), smoke-tested from a copy.

Building takes about a minute and a half, so these tests do not build: without a bundle they skip
with a loud reason. CI runs ``make bundle`` first (see packaging/README.md).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "byway"
SIZE_BUDGET_MB = 150.0  # unpacked, tor and the transports included (the goal)

pytestmark = pytest.mark.skipif(
    not (BUNDLE / "byway").is_file(),
    reason=f"BUNDLE TESTS SKIPPED: no portable bundle at {BUNDLE}; run `make bundle` first",
)


def load_smoke_test() -> ModuleType:
    spec = importlib.util.spec_from_file_location("byway_smoke_test", ROOT / "packaging" / "smoke_test.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


TARBALLS = sorted(BUNDLE.parent.glob("byway-*-linux-*.tar.gz"))


@pytest.mark.parametrize("source", [BUNDLE, *TARBALLS], ids=lambda p: p.name)
def test_self_test_passes_from_a_fresh_copy_and_writes_nothing_outside_it(source: Path) -> None:
    result = load_smoke_test().smoke_test(source)
    assert result.ok, "\n".join([*result.problems, result.output])
    assert result.changed_in_bundle == [], result.changed_in_bundle


def test_the_bundle_is_portable_and_says_what_is_inside() -> None:
    assert (BUNDLE / "byway-portable").is_file()
    versions = json.loads((BUNDLE / "bundle-versions.json").read_text())
    assert versions["tor"]["path"] == "tor/tor"
    assert set(versions["pluggable_transports"]) == {"obfs4proxy", "snowflake-client"}
    assert set(versions["geoip"]) == {"geoip", "geoip6"}
    for entry in [versions["tor"], *versions["pluggable_transports"].values(), *versions["geoip"].values()]:
        assert entry["debian_version"] and len(entry["sha256"]) == 64
        assert (BUNDLE / entry["path"]).is_file()


def test_the_bundle_survives_a_fat_or_exfat_stick() -> None:
    """No symbolic links (FAT/exFAT cannot store them), no names differing only by case, no name a
    FAT file system forbids, and every program executable."""
    paths = list(BUNDLE.rglob("*"))
    assert not [p for p in paths if p.is_symlink()]
    lowered = [str(p.relative_to(BUNDLE)).lower() for p in paths]
    assert len(lowered) == len(set(lowered))
    assert not [p for p in paths if any(c in p.name for c in '<>:"\\|?*')]
    for program in ("byway", "tor/tor", "tor/pluggable_transports/obfs4proxy"):
        assert (BUNDLE / program).stat().st_mode & 0o111, program


def test_tor_loads_its_private_libraries_from_the_bundle() -> None:
    ldd = subprocess.run(["ldd", str(BUNDLE / "tor" / "tor")], capture_output=True, text=True, check=True)
    libevent = next(line for line in ldd.stdout.splitlines() if "libevent" in line)
    assert str(BUNDLE / "tor" / "lib") in libevent


def test_no_unused_qt_module_is_bundled() -> None:
    names = {p.name for p in (BUNDLE / "_internal").rglob("*")}
    for unused in ("WebEngine", "Qt6Qml", "Qt6Quick", "Qt6Pdf", "Qt6Network", "Qt63D", "Multimedia", "gtk-3"):
        assert not [n for n in names if unused in n], unused


def test_the_unpacked_size_stays_within_budget() -> None:
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {size / 1e6:.1f} MB unpacked")
    assert size / 1e6 <= SIZE_BUDGET_MB, f"{size / 1e6:.1f} MB > {SIZE_BUDGET_MB} MB"
