"""The shipped demo scenarios' names in the user's language.

A scenario's ``name`` lives in its TOML file, where lupdate cannot see it; the names of the shipped
scenarios are therefore repeated here as literal ``translate("DemoScenario", ...)`` calls, which the
translators pick up. A trainer's own scenario keeps the name its file gives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from byway.i18n import translate
from byway.resources import resources_dir

SHIPPED: dict[str, Callable[[], str]] = {
    "china-gfw": lambda: translate("DemoScenario", "China, the Great Firewall"),
    "iran-2022": lambda: translate("DemoScenario", "Iran, autumn 2022"),
    "russia-2022": lambda: translate("DemoScenario", "Russia, 2022"),
    "shutdown": lambda: translate("DemoScenario", "A full shutdown"),
}


def scenario_title(key: str, name: str | None = None) -> str:
    """The scenario's name in the user's language (``key`` is the file name without ``.toml``).

    >>> scenario_title("iran-2022")
    'Iran, autumn 2022'
    >>> scenario_title("my-own", "My workshop")
    'My workshop'
    """
    words = SHIPPED.get(key)
    if words is not None:
        return words()
    return translate("DemoScenario", name) if name else key


def shipped_names(directory: Path | None = None) -> tuple[str, ...]:
    """The scenarios in ``resources/demo`` (or ``directory``), sorted; without parsing them."""
    folder = directory or resources_dir() / "demo"
    return tuple(sorted(p.stem for p in folder.glob("*.toml")))
