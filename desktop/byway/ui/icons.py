"""Byway's icons (SVG, in resources/icons)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from byway.resources import resources_dir


def icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))
