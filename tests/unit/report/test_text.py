"""The human report: summary first, then targets with their findings, words through translate()."""

from byway import i18n
from byway.analyze import examples as ex
from byway.analyze.analysis import Analysis, analyze_diagnosis
from byway.report.scrub import SCRUBBED, Scrubber
from byway.report.text import render


def analysis() -> Analysis:
    observations = (ex.accessible(), ex.sni_filtering(), ex.site_down())
    return analyze_diagnosis(ex.diagnosis(observations, ex.relays(tcp_failure="generic_timeout_error")))


def test_summary_comes_before_targets() -> None:
    text = render(analysis())
    lines = text.splitlines()
    assert lines[0] == "Byway network report"
    headline_at = lines.index("Your network blocks Tor and filters encrypted connections by name.")
    targets_at = lines.index("Targets")
    assert headline_at < targets_at
    assert "https://example.org/: blocked (connection failed)" in lines[targets_at:]
    assert any(line.startswith("  - TLS SNI filtering:") for line in lines[targets_at:])
    assert "https://example.org/: down everywhere (not censorship)" in lines


def test_report_is_scrubbed() -> None:
    text = render(analysis(), Scrubber.for_addresses("93.184.215.14"))
    assert "93.184.215.14" not in text
    assert SCRUBBED in text or "93.184.215.14" not in render(analysis())


def test_every_word_is_translated() -> None:
    contexts: set[str] = set()

    def mark(context: str, text: str) -> str:
        contexts.add(context)
        return "»" + text

    i18n.install(mark)
    try:
        text = render(analysis())
    finally:
        i18n.install(None)
    assert contexts == {"Report", "Findings"}
    for line in text.splitlines():
        if line.strip():
            assert line.lstrip(" -").startswith("»"), line
