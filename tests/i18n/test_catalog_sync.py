"""Every string Byway shows has a translation in every shipped language, and the translations keep
what the code and the user rely on: placeholders, mnemonics, the names of tools people search for.

When this fails after you added or changed a string: run ``.venv/bin/python resources/i18n/update.py``,
add a draft for the new source text to each ``resources/i18n/drafts_<lang>.json``, and run it again
(``resources/i18n/README.md``).
"""

from __future__ import annotations

import re

import pytest

from tests.i18n.conftest import I18N, LANGUAGES, UPDATE, Message

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")  # Byway formats with str.format; %n is Qt's plural count


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# Names people search for: a translation must carry them in Latin script, as the source does.
KEPT_TERMS = ("Tor", "obfs4", "Snowflake", "meek", "VPN", "DNS", "SOCKS", "Moat", "OONI", "Byway")


def test_the_extraction_finds_the_strings(extracted: dict[str, list[str]]) -> None:
    assert "Find a way out" in extracted["WelcomePage"]
    assert "DNS injection" in extracted["Findings"]  # literal translate("Findings", ...) in the core
    assert any("Mahsa Amini" in text for text in extracted[UPDATE.DEMO_CONTEXT])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_source_string_is_translated(
    language: str, extracted: dict[str, list[str]], catalogs: dict[str, list[Message]]
) -> None:
    translated = {(m.context, m.source) for m in catalogs[language] if m.translation.strip()}
    missing = [
        f"{context}: {source!r}"
        for context, sources in sorted(extracted.items())
        for source in sources
        if (context, source) not in translated
    ]
    assert missing == [], (
        f"{len(missing)} source strings have no translation in byway_{language}.ts; "
        "run resources/i18n/update.py after adding drafts (resources/i18n/README.md):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_source(language: str, catalogs: dict[str, list[Message]]) -> None:
    wrong = [
        f"{m.context}: {m.source!r} -> {m.translation!r}"
        for m in catalogs[language]
        if m.translation and placeholders(m.source) != placeholders(m.translation)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_mnemonics_survive(language: str, catalogs: dict[str, list[Message]]) -> None:
    """A source with an ``&`` shortcut keeps one, so Alt+key still reaches the control."""
    lost = [
        f"{m.context}: {m.source!r} -> {m.translation!r}"
        for m in catalogs[language]
        if m.translation and re.search(r"&[^&\s]", m.source) and not re.search(r"&[^&\s]", m.translation)
    ]
    assert lost == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_technical_terms_stay_recognisable(language: str, catalogs: dict[str, list[Message]]) -> None:
    lost = [
        f"{term} in {m.context}: {m.translation!r}"
        for m in catalogs[language]
        for term in KEPT_TERMS
        if m.translation
        and re.search(rf"\b{term}\b", m.source, re.IGNORECASE)
        and term.lower() not in m.translation.lower()
    ]
    assert lost == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_consent_asks_for_the_word_it_accepts(language: str, catalogs: dict[str, list[Message]]) -> None:
    words = {m.source: m.translation for m in catalogs[language] if m.context == "Consent"}
    yes = words["yes"]
    assert yes and yes in words["Type yes to run the tests, or anything else to stop: "]


@pytest.mark.parametrize("language", LANGUAGES)
def test_files_say_they_are_machine_drafted(language: str) -> None:
    text = (I18N / f"byway_{language}.ts").read_text(encoding="utf-8")
    assert "machine-drafted" in text.split("<context>", 1)[0]
    assert UPDATE.REVIEW_NOTE in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_loads_and_matches_its_source(
    language: str, catalogs: dict[str, list[Message]], qapp_core: object
) -> None:
    """The .qm is what ships: it must load, and hold what the .ts says (lrelease was run)."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(f"byway_{language}", str(I18N))
    assert not translator.isEmpty()
    stale = [
        f"{m.context}: {m.source!r}"
        for m in catalogs[language]
        if m.translation and translator.translate(m.context, m.source) != m.translation
    ]
    assert stale == [], "run resources/i18n/update.py to recompile the .qm files"
