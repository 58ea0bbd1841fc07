"""Qt's translation system for the window and the core, right-to-left layouts, and a pseudo-locale.

``BYWAY_PSEUDO=stretch`` makes every string about 40% longer and ``BYWAY_PSEUDO=mirror`` reverses
every string and lays the window out right to left: a cheap way to find cut-off text and layouts that
break in Farsi or Arabic before a translator does.
"""

from __future__ import annotations

import os
import re

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from byway import i18n
from byway.resources import resources_dir

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb"})
_PLACEHOLDER = re.compile(r"(\{[^{}]*\}|&|%\d|\n)")


def stretch(text: str) -> str:
    """Longer by about 40%, placeholders intact.

    >>> stretch("Connect")
    'Connect ~~~'
    """
    return text + " " + "~" * max(2, len(text) * 4 // 10) if text else text


def mirror(text: str) -> str:
    """Each run of text reversed, placeholders and mnemonics kept in place.

    >>> mirror("Try {way} now")
    ' yrT{way}won '
    """
    return "".join(part if _PLACEHOLDER.fullmatch(part) else part[::-1] for part in _PLACEHOLDER.split(text))


class PseudoTranslator(QTranslator):
    def __init__(self, mode: str, base: QTranslator | None = None) -> None:
        super().__init__()
        self.mode = mode
        self.base = base

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        text = source
        if self.base is not None:
            text = self.base.translate(context, source, disambiguation, n) or source
        return stretch(text) if self.mode == "stretch" else mirror(text)

    def isEmpty(self) -> bool:
        return False


def chosen_language(saved: str | None) -> str:
    """``BYWAY_LANG`` (for screenshots and tests), else the saved choice, else the system's."""
    override = os.environ.get("BYWAY_LANG", "")
    if override:
        return override
    if saved:
        return saved
    return QLocale.system().name().split("_")[0]


def live_language(code: str) -> str:
    """The language to switch to from Settings: ``code``, or the system's for "" (no override)."""
    return code or QLocale.system().name() or "en"


def available_languages() -> tuple[str, ...]:
    """English plus every language with a compiled translation in ``resources/i18n``."""
    found = sorted(path.stem.removeprefix("byway_") for path in (resources_dir() / "i18n").glob("byway_*.qm"))
    return ("en", *(code for code in found if code != "en"))


def native_name(code: str) -> str:
    """The language's name in that language (``fa`` -> ``فارسی``), for the language menu."""
    name = QLocale(code).nativeLanguageName()
    return name[:1].upper() + name[1:] if name else code


_installed: list[QTranslator] = []
_current = ["en"]


def current_language() -> str:
    """The language the last :func:`install` put in place (windows compare it on LanguageChange)."""
    return _current[0]


def install(app: QApplication, language: str) -> str:
    """Load Byway's and Qt's translations for ``language``; return the language actually used."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    used = "en"
    folder = resources_dir() / "i18n"
    ours = QTranslator()
    if language != "en" and ours.load(f"byway_{language}", str(folder)):
        used = language
        qt_base = QTranslator()
        if qt_base.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_base)
            _installed.append(qt_base)
    pseudo = os.environ.get("BYWAY_PSEUDO", "").lower()
    if pseudo in ("stretch", "mirror"):
        translator: QTranslator = PseudoTranslator(pseudo, ours if used != "en" else None)
    else:
        translator = ours
    app.installTranslator(translator)
    _installed.append(translator)
    rtl = used.split("_")[0] in RTL_LANGUAGES or pseudo == "mirror"
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    # The core's words (findings, consent, errors) go through the same .qm files.
    i18n.install(lambda context, text: QCoreApplication.translate(context, text))
    _current[0] = used
    return used
