"""Refresh Byway's translation sources and compile them: ``.venv/bin/python resources/i18n/update.py``.

1. ``pyside6-lupdate`` over ``desktop/byway``: widgets' ``self.tr``, ``QCoreApplication.translate`` and
   the core's literal ``translate("Context", "...")`` calls.
2. The demo scenarios' words (``resources/demo/*.toml``: name, description, presenter note) are added
   under the context ``DemoScenario``, exactly as the scenario loader returns them (stripped), so the
   window can show them with ``QCoreApplication.translate("DemoScenario", text)``.
3. Drafts from ``drafts_<lang>.json`` fill messages that have no translation yet. They stay marked
   ``unfinished`` with a translator comment: machine-drafted, awaiting a native speaker's review.
   Such a message follows its draft when the draft changes. A reviewer who accepts or corrects a
   message in Qt Linguist (marks it finished) owns it from then on: drafts never overwrite it.
4. ``pyside6-lrelease`` writes the ``.qm`` files next to the ``.ts`` files (unfinished drafts included).

``catalog()`` is also what ``tests/i18n/test_catalog_sync.py`` uses to check that every source string
has a translation in every shipped language.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
# Qt language codes; the file is byway_<code>.ts and the window loads byway_<code>.qm.
LANGUAGES = ("fa", "ar", "zh_CN", "ru", "tr", "es", "my")
TS_LANGUAGE = {
    "fa": "fa_IR",
    "ar": "ar",
    "zh_CN": "zh_CN",
    "ru": "ru_RU",
    "tr": "tr_TR",
    "es": "es",
    "my": "my_MM",
}
SKIP = ("lab", "servers", "testhelper")
DEMO_CONTEXT = "DemoScenario"
DEMO_FIELDS = ("name", "description", "presenter_note")
REVIEW_NOTE = "machine-drafted: awaiting review by a native speaker"
HEADER = (
    " Byway translation. The translations in this file were machine-drafted and await review by a"
    " native speaker: every message still marked unfinished is such a draft. Keep Tor, obfs4,"
    " Snowflake, meek, VPN, DNS and SOCKS in Latin script, and every {placeholder} exactly. "
)


def sources() -> list[str]:
    package = ROOT / "desktop" / "byway"
    return sorted(
        str(path)
        for path in package.rglob("*.py")
        if not any(part in SKIP for part in path.relative_to(package).parts)
    )


def demo_strings() -> list[str]:
    """Each scenario's name, description and presenter note, stripped as the loader strips them."""
    found: list[str] = []
    for path in sorted((ROOT / "resources" / "demo").glob("*.toml")):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        for field in DEMO_FIELDS:
            value = document.get(field)
            if isinstance(value, str) and value.strip() and value.strip() not in found:
                found.append(value.strip())
    return found


def lupdate(files: list[Path], language: str | None = None) -> None:
    command = [str(BIN / "pyside6-lupdate"), "-locations", "relative", "-no-obsolete", *sources()]
    if language is not None:
        command += ["-target-language", TS_LANGUAGE[language]]
    subprocess.run([*command, "-ts", *map(str, files)], check=True, capture_output=True)


def parse(ts: Path) -> ET.ElementTree[ET.Element]:
    return ET.parse(ts)  # noqa: S314 - our own .ts file, written by lupdate


def catalog() -> dict[str, list[str]]:
    """Every source string Byway shows, by context, as a fresh extraction finds them."""
    with tempfile.TemporaryDirectory() as folder:
        ts = Path(folder) / "byway_catalog.ts"
        lupdate([ts])
        found: dict[str, list[str]] = {}
        for context in parse(ts).getroot().findall("context"):
            name = context.findtext("name") or ""
            for message in context.findall("message"):
                found.setdefault(name, []).append(message.findtext("source") or "")
    found[DEMO_CONTEXT] = demo_strings()
    return found


def context_element(root: ET.Element, name: str) -> ET.Element:
    for context in root.findall("context"):
        if context.findtext("name") == name:
            return context
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = name
    return context


def kept_messages(ts: Path, contexts: list[str]) -> dict[tuple[str, str], ET.Element]:
    """Messages lupdate cannot see (it drops them), with whatever a reviewer made of them."""
    if not ts.exists():
        return {}
    kept: dict[tuple[str, str], ET.Element] = {}
    for context in parse(ts).getroot().findall("context"):
        name = context.findtext("name") or ""
        if name in contexts:
            for message in context.findall("message"):
                kept[(name, message.findtext("source") or "")] = message
    return kept


def merge(
    ts: Path,
    extra: dict[str, list[str]],
    drafts: dict[str, str],
    kept: dict[tuple[str, str], ET.Element] | None = None,
) -> tuple[int, int]:
    kept = kept or {}
    tree = parse(ts)
    root = tree.getroot()
    for name, texts in extra.items():
        context = context_element(root, name)
        for message in list(context.findall("message")):
            if message.findtext("source") not in texts:
                context.remove(message)  # a scenario's words that changed or went away
        known = {m.findtext("source") for m in context.findall("message")}
        for text in texts:
            if text in known:
                continue
            if (name, text) in kept:
                context.append(kept[(name, text)])
            else:
                message = ET.SubElement(context, "message")
                ET.SubElement(message, "source").text = text
                ET.SubElement(message, "translation", type="unfinished")
            known.add(text)
    total = drafted = 0
    for message in root.iter("message"):
        total += 1
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None:
            translation = ET.SubElement(message, "translation", type="unfinished")
        comment = message.find("translatorcomment")
        # Unfinished without any comment: lupdate's own guess (it copies the translation of the same
        # text from another context), never a reviewer's; the draft replaces it and is marked as one.
        still_draft = translation.get("type") == "unfinished" and (
            comment is None or comment.text == REVIEW_NOTE
        )
        if source in drafts and (not (translation.text or "").strip() or still_draft):
            translation.text = drafts[source]
            translation.set("type", "unfinished")
            if message.find("translatorcomment") is None:
                comment = ET.Element("translatorcomment")
                comment.text = REVIEW_NOTE
                message.insert(list(message).index(translation), comment)
        if (translation.text or "").strip():
            drafted += 1
    root.insert(0, ET.Comment(HEADER))
    ET.indent(tree, space="    ")
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return total, drafted


def main() -> int:
    extra = {DEMO_CONTEXT: demo_strings()}
    for language in LANGUAGES:
        ts = HERE / f"byway_{language}.ts"
        kept = kept_messages(ts, list(extra))
        lupdate([ts], language)
        drafts_file = HERE / f"drafts_{language}.json"
        drafts = json.loads(drafts_file.read_text(encoding="utf-8")) if drafts_file.exists() else {}
        total, drafted = merge(ts, extra, drafts, kept)
        print(f"{ts.name}: {drafted} of {total} messages drafted")
        subprocess.run(
            [str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(HERE / f"byway_{language}.qm")],
            check=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
