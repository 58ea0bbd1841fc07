"""Refresh Byway's translation sources and compile them: ``.venv/bin/python resources/i18n/update.py``.

1. ``pyside6-lupdate`` over ``desktop/byway`` (widgets' ``self.tr``, ``QCoreApplication.translate`` and
   the core's literal ``translate("Context", "...")`` calls).
2. Core modules that wrap ``translate`` in a helper (``_t("...")`` with a module context) are read with
   ``ast`` and their strings added under that context, since lupdate cannot see through the helper.
3. Drafts from ``drafts_<lang>.json`` fill messages that have no translation yet; they stay marked
   ``unfinished`` with a comment, awaiting a native speaker's review (lrelease still ships them).
4. ``pyside6-lrelease`` writes the ``.qm`` files next to the ``.ts`` files.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
LANGUAGES = ("fa", "ru")
SKIP = ("lab", "servers", "testhelper")
WRAPPED = {"analyze/words.py": "Findings", "advise.py": "Advice", "report/text.py": "Report"}
REVIEW_NOTE = "machine-drafted: awaiting review by a native speaker"


def sources() -> list[str]:
    package = ROOT / "desktop" / "byway"
    return sorted(
        str(path)
        for path in package.rglob("*.py")
        if not any(part in SKIP for part in path.relative_to(package).parts)
    )


def wrapped_strings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for relative, context in WRAPPED.items():
        path = ROOT / "desktop" / "byway" / relative
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(context, []).append(node.args[0].value)
    return found


def context_element(root: ET.Element, name: str) -> ET.Element:
    for context in root.findall("context"):
        if context.findtext("name") == name:
            return context
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = name
    return context


def merge(ts: Path, extra: dict[str, list[str]], drafts: dict[str, str]) -> tuple[int, int]:
    tree = ET.parse(ts)  # noqa: S314 - our own .ts file, written by lupdate
    root = tree.getroot()
    for name, texts in extra.items():
        context = context_element(root, name)
        known = {m.findtext("source") for m in context.findall("message")}
        for text in texts:
            if text not in known:
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
        if source in drafts and not (translation.text or "").strip():
            translation.text = drafts[source]
            translation.set("type", "unfinished")
            if message.find("translatorcomment") is None:
                comment = ET.Element("translatorcomment")
                comment.text = REVIEW_NOTE
                message.insert(list(message).index(translation), comment)
        if (translation.text or "").strip():
            drafted += 1
    ET.indent(tree, space="    ")
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return total, drafted


def main() -> int:
    files = [str(HERE / f"byway_{language}.ts") for language in LANGUAGES]
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources(), "-ts", *files], check=True)
    extra = wrapped_strings()
    for language in LANGUAGES:
        ts = HERE / f"byway_{language}.ts"
        drafts_file = HERE / f"drafts_{language}.json"
        drafts = json.loads(drafts_file.read_text(encoding="utf-8")) if drafts_file.exists() else {}
        total, drafted = merge(ts, extra, drafts)
        print(f"{ts.name}: {drafted} of {total} messages drafted")
        subprocess.run(
            [str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(HERE / f"byway_{language}.qm")], check=True
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
