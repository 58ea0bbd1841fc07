"""The shipped Noto fonts, so Farsi, Arabic, Burmese and Chinese render where the system lacks them.

They are added behind the system's default family (tried, in order, for a character it lacks). For
a language written in those scripts they are loaded before the first window; otherwise just after
it appears (about 40 ms), so an English start is not slowed, and before a live switch of language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from byway.resources import resources_dir
from byway.ui.page_stack import STEP_PAUSE_MS

FALLBACKS = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Myanmar", "Noto Sans CJK SC")
NEEDED_FOR = frozenset({"fa", "ar", "ur", "ps", "ckb", "my", "zh", "ja", "ko"})
_loaded: list[bool] = []


def needed_for(language: str) -> bool:
    """Whether ``language`` (``fa``, ``zh_CN``, ...) is written in a script the shipped fonts add."""
    return language.split("_")[0] in NEEDED_FOR


def load(app: QApplication) -> None:
    """Add the shipped fonts once and put them behind the default family."""
    if _loaded:
        return
    _loaded.append(True)
    folder = resources_dir() / "fonts"
    for path in sorted(folder.glob("*.[ot]tf")):
        QFontDatabase.addApplicationFont(str(path))
    font = app.font()
    families = [font.family(), *(name for name in FALLBACKS if name != font.family())]
    font.setFamilies(families)
    app.setFont(font)


def warm_scripts(samples: Sequence[str], then: Callable[[], None]) -> None:
    """Measure one sample of text per idle event-loop turn, so that finding the font for each script
    (~10 ms the first time: the language list in Settings shows Arabic, Burmese, Chinese and Cyrillic
    names) happens in small steps while nobody waits, not all at once when Settings is built."""
    pending = list(reversed(samples))

    def next_sample() -> None:
        if not pending:
            then()
            return
        QFontMetrics(QApplication.font()).horizontalAdvance(pending.pop())
        QTimer.singleShot(STEP_PAUSE_MS, next_sample)

    QTimer.singleShot(0, next_sample)
