"""The translation layer for words the core hands to people.

The core is Qt-free, yet every sentence it produces must reach the user in their language. The core
calls :func:`translate` with a context and an English source text; the desktop app installs Qt's
translator (``QCoreApplication.translate``) at start-up, so the same ``.ts``/``.qm`` files serve the
core and the widgets. Without an installed translator the English text is returned unchanged.

The name ``translate(context, text)`` is deliberate: Qt's ``lupdate`` extracts calls of that shape.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str], str]


def _identity(context: str, text: str) -> str:
    return text


_translator: Translator = _identity


def install(translator: Translator | None) -> None:
    """Route every later :func:`translate` call through ``translator`` (``None`` restores English)."""
    global _translator
    _translator = translator if translator is not None else _identity


def translate(context: str, text: str) -> str:
    """Return ``text`` in the user's language.

    >>> translate("Findings", "DNS injection")
    'DNS injection'
    """
    return _translator(context, text)
