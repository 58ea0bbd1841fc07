"""Where Byway's read-only resources (built-in bridges, target lists, icons, translations) live.

The same code runs from a source checkout, from an installed package, and from a PyInstaller bundle,
and each keeps ``resources/`` somewhere else. Finding it in one place, with an explicit override for
packagers and tests, keeps path guessing out of the rest of the code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from byway.i18n import translate

ENVIRONMENT_VARIABLE = "BYWAY_RESOURCES"
"""Set to a directory to use it as ``resources/`` (packagers, tests, a system-wide install)."""


class ResourcesNotFound(FileNotFoundError):
    """No ``resources/`` directory could be found: the installation is incomplete."""


def resources_dir(*, environ: Mapping[str, str] | None = None, start: Path | None = None) -> Path:
    """The ``resources/`` directory, found in this order.

    1. ``$BYWAY_RESOURCES``, when set and not empty.
    2. ``sys._MEIPASS/resources`` inside a PyInstaller bundle.
    3. The top-level ``resources/`` of the source checkout this module runs from: the first parent
       directory (walking up from ``start``, by default this file) that holds both ``resources/`` and
       ``desktop/byway/``, so an unrelated ``resources`` folder higher up is never picked.

    >>> resources_dir(environ={"BYWAY_RESOURCES": "/opt/byway/resources"}).as_posix()
    '/opt/byway/resources'
    """
    environment = os.environ if environ is None else environ
    override = environment.get(ENVIRONMENT_VARIABLE, "")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(bundle, str):
        return Path(bundle) / "resources"
    here = (start or Path(__file__)).resolve()
    for parent in here.parents:
        if (parent / "resources").is_dir() and (parent / "desktop" / "byway").is_dir():
            return parent / "resources"
    raise ResourcesNotFound(
        translate(
            "Resources", "Byway's resources folder was not found near {place}; set {variable} to its location"
        ).format(place=here, variable=ENVIRONMENT_VARIABLE)
    )
