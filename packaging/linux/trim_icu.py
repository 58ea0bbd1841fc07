#!/usr/bin/env python3
"""Shrink the ICU data library that Qt's wheels carry (``libicudata.so.73``, 32 MB) to what Byway uses.

    python3 packaging/linux/trim_icu.py dist/byway/_internal/PySide6/Qt/lib/libicudata.so.73 --keep en fa ru

QtCore links ICU for collation, case mapping, time-zone names and legacy text codecs. Byway's window
needs the locale data of the languages it is translated into, and nothing of the rest: no legacy
codecs (the core decodes HTTP bodies in Python), no Thai/Khmer/CJK word dictionaries (Qt breaks text
with its own tables), no collation, currency, unit, language and region names for other languages.
ICU falls back to ``root`` for a locale it has no data for, so nothing fails; a name merely comes
out in the root form.

How: the whole data set is one symbol, ``icudt<N>_dat``, in the library's ``.rodata``. It is cut out,
items are removed with ``icupkg`` and the rest is turned back into a library with ``genccode`` and
``gcc`` (Debian: icu-devtools, gcc), under the same soname. The package format is independent of the
ICU version, so Debian 12's ICU 72 tools handle ICU 73's data.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Top-level resources that are not locales (they hold rules, aliases, time zones, plurals...).
_LOCALE_NAME = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]*)*$")  # also coll/de_.res
_KEEP_ALWAYS = {"root", "pool", "res_index"}
# Item groups dropped whole: legacy codecs and the word-break dictionaries; transliteration, number
# spell-out and Unicode character names, which Qt never asks ICU for.
_DROP_SUFFIXES = (".cnv", ".dict")
_DROP_TREES = {"translit", "rbnf"}
_DROP_NAMES = {"unames.icu"}
# Collation: only the root order (Byway sorts nothing with QCollator; CJK tailorings are 1.3 MB).
_ROOT_ONLY_TREES = {"coll"}
# Trees of per-locale data, where only the kept languages stay.
_LOCALE_TREES = {"brkitr", "coll", "curr", "lang", "region", "unit", "zone"}


class TrimError(RuntimeError):
    pass


def _run(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    except FileNotFoundError as error:
        raise TrimError(f"{command[0]} is missing (apt-get install icu-devtools gcc binutils)") from error
    except subprocess.CalledProcessError as error:
        raise TrimError(f"{' '.join(command)} failed: {error.stderr.strip()}") from error
    return done.stdout


def data_symbol(library: Path) -> tuple[str, int, int]:
    """``(name, file offset, size)`` of the ``icudt<N>_dat`` symbol."""
    symbols = _run("nm", "-D", "-S", "--defined-only", str(library))
    match = re.search(r"^([0-9a-f]+) ([0-9a-f]+) [RD] (icudt\d+_dat)$", symbols, re.MULTILINE)
    if match is None:
        raise TrimError(f"{library} has no icudt*_dat symbol")
    address, size, name = int(match.group(1), 16), int(match.group(2), 16), match.group(3)
    sections = _run("readelf", "-S", "-W", str(library))
    for line in sections.splitlines():
        fields = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if fields is None:
            continue
        start, offset, length = (int(fields.group(i), 16) for i in (2, 3, 4))
        if start <= address < start + length:
            return name, address - start + offset, size
    raise TrimError(f"no section of {library} holds {name}")


def is_kept(item: str, languages: set[str]) -> bool:
    """``item`` is a package path as ``icupkg -l`` lists it: ``coll/fa.res``, ``ru_RU.res``."""
    parts = item.split("/")
    name = parts[-1]
    if name.endswith(_DROP_SUFFIXES) or name in _DROP_NAMES or parts[0] in _DROP_TREES:
        return False
    stem = name.rsplit(".", 1)[0]
    if parts[0] in _ROOT_ONLY_TREES and len(parts) > 1 and _LOCALE_NAME.match(stem):
        return stem in _KEEP_ALWAYS
    if len(parts) > 1 and parts[0] not in _LOCALE_TREES:
        return True
    if stem in _KEEP_ALWAYS or not _LOCALE_NAME.match(stem):
        return True
    return stem.split("_", 1)[0] in languages


def trim(library: Path, languages: set[str]) -> tuple[int, int]:
    """Rewrite ``library`` in place; returns the data size before and after."""
    name, offset, size = data_symbol(library)
    entry = name.removesuffix("_dat")  # icudt73
    soname = library.name
    with tempfile.TemporaryDirectory(prefix="byway-icu-") as scratch:
        work = Path(scratch)
        original = work / f"{entry}l.dat"
        with library.open("rb") as handle:
            handle.seek(offset)
            original.write_bytes(handle.read(size))
        items = _run("icupkg", "--ignore-deps", "-l", str(original)).split()
        drop = [item for item in items if not is_kept(item, languages)]
        (work / "drop.txt").write_text("\n".join(drop) + "\n")
        trimmed = work / "out" / f"{entry}l.dat"
        trimmed.parent.mkdir()
        # --ignore-deps: brkitr/root.res names the word dictionaries dropped on purpose; ICU then
        # breaks Thai or Khmer text without a dictionary instead of failing.
        _run("icupkg", "--ignore-deps", "-r", str(work / "drop.txt"), str(original), str(trimmed))
        _run("genccode", "-a", "gcc", "-e", entry, "-d", str(work), str(trimmed))
        assembly = next(work.glob("*.S"))
        built = work / soname
        _run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(built), str(assembly))
        _run("strip", "--strip-unneeded", str(built))
        if data_symbol(built)[0] != name:
            raise TrimError("the rebuilt library does not export the data symbol")
        shutil.copyfile(built, library)
        return size, trimmed.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Keep only the ICU data Byway's languages need.")
    parser.add_argument("library", type=Path)
    parser.add_argument("--keep", nargs="+", default=["en"], help="language codes to keep (en fa ru)")
    args = parser.parse_args(argv)
    try:
        before, after = trim(args.library.resolve(), set(args.keep) | {"en"})
    except TrimError as error:
        print(f"trim_icu: {error}", file=sys.stderr)
        return 1
    print(f"trim_icu: ICU data {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (kept: {' '.join(args.keep)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
