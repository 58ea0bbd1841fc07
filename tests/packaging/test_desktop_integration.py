"""Linux desktop integration: the .desktop file, the AppStream metainfo and the icons."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "resources" / "linux"
DESKTOP = LINUX / "byway.desktop"
METAINFO = LINUX / "org.byway_app.Byway.metainfo.xml"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install desktop-file-utils appstream)")
    return path


def test_desktop_file_validates() -> None:
    run = subprocess.run([tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " error: " not in run.stdout


def test_metainfo_validates() -> None:
    run = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_metainfo_names_the_desktop_file_and_screenshots_that_exist() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("launchable") == DESKTOP.name
    images = [e.text or "" for e in root.iter("image")]
    assert images
    for url in images:
        assert url.startswith("https://")
        assert (ROOT / "docs" / "screenshots" / url.rsplit("/", 1)[1]).is_file(), url


def test_icons_exist_at_the_standard_sizes() -> None:
    icon = re.search(r"^Icon=(.+)$", DESKTOP.read_text(), re.MULTILINE)
    assert icon is not None
    for size in SIZES:
        png = LINUX / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{icon.group(1)}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        width, height = (
            int.from_bytes(png.read_bytes()[16:20], "big"),
            int.from_bytes(png.read_bytes()[20:24], "big"),
        )
        assert (width, height) == (size, size)
    assert (LINUX / "icons" / "hicolor" / "scalable" / "apps" / f"{icon.group(1)}.svg").is_file()
