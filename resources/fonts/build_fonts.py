"""Gather the fonts Byway ships so every translation renders, even on a bare system or a portable USB.

Run by a developer, not at build time: ``.venv/bin/python resources/fonts/build_fonts.py``. It needs
Debian's ``fonts-noto-core`` and ``fonts-noto-cjk`` packages and ``fonttools`` (``pip install
fonttools``); the files it writes are committed.

- Noto Sans (Latin, Cyrillic: English, Russian, Turkish, Spanish), Noto Sans Arabic (Farsi, Arabic)
  and Noto Sans Myanmar (Burmese), regular and bold, copied as they are.
- Noto Sans CJK SC, regular only (Qt emboldens it), cut down to GB 2312 (the 6,763 everyday
  Simplified Chinese characters and its symbols), ASCII, CJK punctuation and every character of the
  Chinese translation: about a tenth of the full font's size.

All are under the SIL Open Font License 1.1 (``OFL.txt``); Noto declares no Reserved Font Name, so the
subset keeps its family name, and the window can ask for it by name.
"""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
I18N = HERE.parent / "i18n"
CORE = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COPIED = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSansMyanmar-Regular.ttf",
    "NotoSansMyanmar-Bold.ttf",
)
CJK_OUT = "NotoSansCJKsc-Regular-subset.otf"
CJK_FAMILY = "Noto Sans CJK SC"


def gb2312() -> set[int]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    found: set[int] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.update(map(ord, bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def translated_characters(language: str) -> set[int]:
    tree = ET.parse(I18N / f"byway_{language}.ts")  # noqa: S314 - our own translation file
    return {
        ord(c) for message in tree.getroot().iter("message") for c in message.findtext("translation") or ""
    }


def subset_cjk() -> None:
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

    collection = TTCollection(str(CJK))
    face = next(f for f in collection.fonts if f["name"].getDebugName(1) == CJK_FAMILY)
    wanted = gb2312() | translated_characters("zh_CN") | set(range(0x20, 0x7F))
    wanted |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | {0x2014, 0x2026, 0x201C, 0x201D}
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx"]  # vertical writing: the window lays out horizontally
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(face)
    face.save(str(HERE / CJK_OUT))


def license_text() -> str:
    """The OFL as Debian's copyright file for fonts-noto-core quotes it."""
    lines = Path("/usr/share/doc/fonts-noto-core/copyright").read_text(encoding="utf-8").splitlines()
    start = len(lines) - lines[::-1].index("License: OFL-1.1")  # the last one carries the text
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("License:")), len(lines))
    body = [line[1:] if line.startswith(" ") else line for line in lines[start:end]]
    text = "\n".join("" if line == "." else line for line in body)
    header = (
        "Noto Sans, Noto Sans Arabic, Noto Sans Myanmar: Copyright 2010-2020 Google Inc. / Google LLC.\n"
        "Noto Sans CJK SC: Copyright 2014-2021 Adobe (http://www.adobe.com/).\n"
        "Noto is a trademark of Google Inc. The CJK file here is a subset (see build_fonts.py).\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
    )
    return header + text.strip() + "\n"


def main() -> int:
    for name in COPIED:
        shutil.copyfile(CORE / name, HERE / name)
    subset_cjk()
    (HERE / "OFL.txt").write_text(license_text(), encoding="utf-8")
    total = sum(path.stat().st_size for path in HERE.iterdir() if path.suffix in {".ttf", ".otf"})
    print(f"fonts: {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
