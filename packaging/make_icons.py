#!/usr/bin/env python3
"""Render Byway's icon (resources/icons/byway.svg) at the standard sizes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py      (or: make icons)

Writes, and the outputs are committed so a build needs no renderer:

- ``resources/linux/icons/hicolor/<n>x<n>/apps/byway.png`` for the freedesktop sizes, plus the SVG
  under ``scalable/apps/``;
- ``packaging/windows/byway.ico`` (16-256 px in one file) for the .exe and the installer;
- ``packaging/macos/byway.iconset/`` for ``iconutil -c icns`` on a Mac (see packaging/README.md).

This is a packaging tool, not part of the app, so it may use Qt outside ``byway.ui``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "byway.svg"
HICOLOR = ROOT / "resources" / "linux" / "icons" / "hicolor"
LINUX_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
WINDOWS_SIZES = (16, 24, 32, 48, 64, 128, 256)
MAC_ICONSET = ((16, 1), (16, 2), (32, 1), (32, 2), (128, 1), (128, 2), (256, 1), (256, 2), (512, 1), (512, 2))


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes, the binding str
    return bytes(data.data())


def write_ico(images: list[QImage], target: Path) -> None:
    """An .ico holding PNG-compressed images (valid since Windows Vista), written by hand: Qt's ico
    plugin saves only one size per file."""
    import struct

    pngs = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries = b""
    for image, png in zip(images, pngs, strict=True):
        side = image.width() if image.width() < 256 else 0  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    target.write_bytes(header + entries + b"".join(pngs))


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: cannot read {SOURCE}", file=sys.stderr)
        return 1
    for size in LINUX_SIZES:
        folder = HICOLOR / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "byway.png").write_bytes(png_bytes(render(renderer, size)))
    scalable = HICOLOR / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable / "byway.svg")
    write_ico(
        [render(renderer, size) for size in WINDOWS_SIZES], ROOT / "packaging" / "windows" / "byway.ico"
    )
    iconset = ROOT / "packaging" / "macos" / "byway.iconset"
    iconset.mkdir(parents=True, exist_ok=True)
    for size, scale in MAC_ICONSET:
        name = f"icon_{size}x{size}{'@2x' if scale == 2 else ''}.png"
        (iconset / name).write_bytes(png_bytes(render(renderer, size * scale)))
    print(f"make_icons: {len(LINUX_SIZES)} PNG sizes, byway.ico, byway.iconset written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
