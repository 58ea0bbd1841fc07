"""Fixtures for the translation checks: the extraction that ``resources/i18n/update.py`` performs, the
shipped catalogs parsed once, and an offscreen Qt application."""

from __future__ import annotations

import importlib.util
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BYWAY_THEME", "light")

import pytest

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
FONTS = ROOT / "resources" / "fonts"


def load_update() -> ModuleType:
    spec = importlib.util.spec_from_file_location("byway_i18n_update", I18N / "update.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UPDATE = load_update()
LANGUAGES: tuple[str, ...] = UPDATE.LANGUAGES


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translation: str
    unfinished: bool


def read_catalog(language: str) -> list[Message]:
    root = ET.parse(I18N / f"byway_{language}.ts").getroot()
    found: list[Message] = []
    for context in root.findall("context"):
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            text = (translation.text or "") if translation is not None else ""
            found.append(Message(name, message.findtext("source") or "", text, kind == "unfinished"))
    return found


@pytest.fixture(scope="session")
def extracted() -> dict[str, list[str]]:
    """What a fresh extraction (lupdate over desktop/byway, plus the demo scenarios) finds now."""
    return UPDATE.catalog()


@pytest.fixture(scope="session")
def catalogs() -> dict[str, list[Message]]:
    return {language: read_catalog(language) for language in LANGUAGES}


@pytest.fixture(scope="session")
def qapp_core() -> object:
    """A GUI application (fonts and painting need one), shared with pytest-qt's if it made one."""
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])
