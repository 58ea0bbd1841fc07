"""The fonts in ``resources/fonts`` draw every character of every shipped translation: no empty boxes
(.notdef) for Farsi, Arabic, Burmese or Chinese, even on a computer that has no such font installed.

The window is expected to register these files at start-up (``QFontDatabase.addApplicationFont``).
Coverage is checked against the files themselves, so a system font of the same family cannot hide a gap.
"""

from __future__ import annotations

import unicodedata

import pytest

from tests.i18n.conftest import FONTS, LANGUAGES, Message

FAMILY = {
    "fa": "Noto Sans Arabic",
    "ar": "Noto Sans Arabic",
    "my": "Noto Sans Myanmar",
    "zh_CN": "Noto Sans CJK SC",
    "ru": "Noto Sans",
    "tr": "Noto Sans",
    "es": "Noto Sans",
}
LATIN = "Noto Sans"  # Tor, obfs4, addresses inside a Farsi or Burmese sentence
SAMPLES = {
    "fa": "پیش از آنکه Byway این شبکه را آزمایش کند، لطفاً بدانید: پل‌های obfs4 ترافیک Tor را پنهان می‌کنند.",
    "ar": "قبل أن يختبر Byway هذه الشبكة، يُرجى أن تعرف: جسور obfs4 تُخفي حركة Tor.",
    "my": "Byway က ဤကွန်ရက်ကို မစမ်းသပ်မီ ကျေးဇူးပြု၍ သိထားပါ- ချိတ်ဆက်မှု ပြတ်သွားသည်။",
    "zh_CN": "在 Byway 测试这个网络之前，请了解：obfs4 网桥会隐藏 Tor 流量。",
    "ru": "Прежде чем Byway проверит эту сеть, знайте: мосты obfs4 скрывают трафик Tor.",
}


@pytest.fixture(scope="module")
def shipped_families(qapp_core: object) -> set[str]:
    from PySide6.QtGui import QFontDatabase

    families: set[str] = set()
    for path in sorted(FONTS.glob("*.[ot]tf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        assert font_id != -1, f"{path.name} does not load"
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    return families


def test_the_licence_ships_with_the_fonts() -> None:
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text(encoding="utf-8")


def test_every_script_has_a_shipped_font(shipped_families: set[str]) -> None:
    assert set(FAMILY.values()) <= shipped_families


FILE = {
    "Noto Sans": "NotoSans-Regular.ttf",
    "Noto Sans Arabic": "NotoSansArabic-Regular.ttf",
    "Noto Sans Myanmar": "NotoSansMyanmar-Regular.ttf",
    "Noto Sans CJK SC": "NotoSansCJKsc-Regular-subset.otf",
}


def raw_font(family: str) -> object:
    """The shipped file itself, not whatever the system has under the same family name."""
    from PySide6.QtGui import QRawFont

    raw = QRawFont(str(FONTS / FILE[family]), 16)
    assert raw.isValid() and raw.familyName() == family
    return raw


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translated_character_has_a_glyph(
    language: str, catalogs: dict[str, list[Message]], shipped_families: set[str]
) -> None:
    script, latin = raw_font(FAMILY[language]), raw_font(LATIN)
    characters = {c for m in catalogs[language] for c in m.translation}
    missing = sorted(
        f"U+{ord(c):04X} {unicodedata.name(c, '?')}"
        for c in characters
        if unicodedata.category(c) not in ("Cc", "Cf", "Zs")
        and not script.supportsCharacter(ord(c))  # type: ignore[attr-defined]
        and not latin.supportsCharacter(ord(c))  # type: ignore[attr-defined]
    )
    assert missing == []


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_shaped_text_has_no_empty_boxes(language: str, shipped_families: set[str]) -> None:
    """Shape a sentence as the window would (HarfBuzz: joining Arabic letters, Burmese clusters) and
    look at the glyphs actually chosen: index 0 is the .notdef box."""
    from PySide6.QtGui import QFont, QTextLayout

    font = QFont([FAMILY[language], LATIN])
    font.setPixelSize(18)
    layout = QTextLayout(SAMPLES[language], font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    runs = layout.glyphRuns()
    boxes = [run.rawFont().familyName() for run in runs if 0 in run.glyphIndexes()]
    assert boxes == []
    assert FAMILY[language] in {run.rawFont().familyName() for run in runs}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_rendering_leaves_ink(language: str, shipped_families: set[str]) -> None:
    """Paint the sentence offscreen: the picture is not blank, and differs from the same number of
    characters that no font has (which draw as boxes)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    def paint(text: str) -> QImage:
        image = QImage(1400, 60, QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        font = QFont([FAMILY[language], LATIN])
        font.setPixelSize(18)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        painter.drawText(QPoint(10, 40), text)
        painter.end()
        return image

    def ink(image: QImage) -> int:
        data = bytes(image.constBits())  # type: ignore[call-overload]
        return sum(1 for value in data if value < 128)

    sample = paint(SAMPLES[language])
    assert ink(sample) > 500
    assert sample != paint("\U000f0000" * len(SAMPLES[language]))  # private use: .notdef boxes
