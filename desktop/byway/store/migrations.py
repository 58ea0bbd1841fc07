"""Upgrades of old settings documents, one pure function per version step.

Each step takes a document of version N and returns one of version N+1, so any old file walks the
chain to the current shape. Steps carry keys they do not know along unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Document = dict[str, Any]

CURRENT_VERSION = 2


def v1_to_v2(document: Document) -> Document:
    """v2 folds consent into one object, renames ``last_transport`` and adds two choices.

    v1 had ``consent_given`` (bool) and ``consent_at`` (ISO time); v2 has ``consent`` =
    ``{"given_at": ...}`` or null, ``last_working_transport``, ``secret_storage`` (null = not chosen
    yet) and ``diagnostic_logging`` (off).
    """
    upgraded = dict(document)
    given = upgraded.pop("consent_given", False)
    given_at = upgraded.pop("consent_at", None)
    upgraded["consent"] = {"given_at": given_at} if given is True and isinstance(given_at, str) else None
    upgraded["last_working_transport"] = upgraded.pop("last_transport", {})
    upgraded.setdefault("secret_storage", None)
    upgraded.setdefault("diagnostic_logging", False)
    upgraded["version"] = 2
    return upgraded


MIGRATIONS: dict[int, Callable[[Document], Document]] = {1: v1_to_v2}
