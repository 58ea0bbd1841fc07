"""What to test: Byway's default list, URLs given on the command line, and files of URLs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from byway.i18n import translate
from byway.measure.observations import Target, TargetKind


class TargetError(ValueError):
    """A URL or a target file Byway cannot use; the message says why in plain words."""


def _default_list_path() -> Path:
    from byway.resources import resources_dir

    return resources_dir() / "targets" / "default.json"


def parse_url(text: str, *, kind: TargetKind = TargetKind.WEBSITE, category: str = "") -> Target:
    """Accept ``example.org`` or a full http(s) URL.

    >>> parse_url("example.org").url
    'https://example.org/'
    >>> parse_url("ftp://example.org/")
    Traceback (most recent call last):
    ...
    byway.targets.TargetError: Only http:// and https:// addresses can be tested: ftp://example.org/
    """
    text = text.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise TargetError(
            translate("Targets", "Only http:// and https:// addresses can be tested: {url}").format(url=text)
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1 or any(c.isspace() for c in text):
        raise TargetError(translate("Targets", "This is not a web address: {url}").format(url=text))
    if not parts.path:
        text += "/"
    return Target(text, kind, category)


def load_target_file(path: Path) -> list[Target]:
    """One URL per line; blank lines and ``#`` comments are ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(
            translate("Targets", "Cannot read the target file {path}: {reason}").format(path=path, reason=exc)
        ) from exc
    targets = []
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            targets.append(parse_url(line))
        except TargetError as exc:
            raise TargetError(
                translate("Targets", "{path}, line {number}: {problem}").format(
                    path=path, number=number, problem=exc
                )
            ) from exc
    return targets


def load_default_targets(path: Path | None = None) -> list[Target]:
    """Byway's shipped list (``resources/targets/default.json``)."""
    document = json.loads((path or _default_list_path()).read_text(encoding="utf-8"))
    return [
        parse_url(
            item["url"], kind=TargetKind(item.get("kind", "website")), category=item.get("category", "")
        )
        for item in document["targets"]
    ]


def unique(targets: Iterable[Target]) -> list[Target]:
    """Drop repeated URLs, keeping the first."""
    seen: dict[str, Target] = {}
    for target in targets:
        seen.setdefault(target.url, target)
    return list(seen.values())
