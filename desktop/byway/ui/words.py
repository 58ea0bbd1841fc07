"""Words the window adds to the core's: names of ways out, tor's bootstrap phases, and errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from byway.plan import Way


def _t(text: str) -> str:
    return QCoreApplication.translate("Words", text)


def way_name(way: Way) -> str:
    names: dict[str, str] = {
        "direct": QCoreApplication.translate("Words", "Plain Tor (no bridge)"),
        "obfs4": QCoreApplication.translate("Words", "obfs4 bridges"),
        "snowflake": QCoreApplication.translate("Words", "Snowflake"),
        "meek": QCoreApplication.translate("Words", "meek (through a cloud provider)"),
        "webtunnel": QCoreApplication.translate("Words", "WebTunnel bridges"),
        "conjure": QCoreApplication.translate("Words", "Conjure"),
        "vanilla": QCoreApplication.translate("Words", "Plain bridges"),
        "custom": QCoreApplication.translate("Words", "Your own bridges"),
    }
    return names[way.value]


def phase_words(tag: str, progress: int) -> str:
    """tor's bootstrap tag as a sentence; unknown tags fall back to the percentage band."""
    words = {
        "starting": QCoreApplication.translate("Words", "Starting Tor"),
        "conn_pt": QCoreApplication.translate("Words", "Starting the bridge's transport"),
        "conn_done_pt": QCoreApplication.translate("Words", "Reaching the bridge"),
        "conn_proxy": QCoreApplication.translate("Words", "Connecting to your proxy"),
        "conn_done_proxy": QCoreApplication.translate("Words", "Connected to your proxy"),
        "conn": QCoreApplication.translate("Words", "Connecting to the Tor network"),
        "conn_done": QCoreApplication.translate("Words", "Connected to a first relay"),
        "handshake": QCoreApplication.translate("Words", "Greeting the first relay"),
        "handshake_done": QCoreApplication.translate("Words", "The first relay answered"),
        "onehop_create": QCoreApplication.translate("Words", "Opening an encrypted directory connection"),
        "requesting_status": QCoreApplication.translate("Words", "Asking for the list of relays"),
        "loading_status": QCoreApplication.translate("Words", "Loading the list of relays"),
        "loading_keys": QCoreApplication.translate("Words", "Loading the directory keys"),
        "requesting_descriptors": QCoreApplication.translate("Words", "Asking for relay details"),
        "loading_descriptors": QCoreApplication.translate("Words", "Loading relay details"),
        "enough_dirinfo": QCoreApplication.translate("Words", "Enough is known to build a path"),
        "ap_handshake_done": QCoreApplication.translate("Words", "Building a path through Tor"),
        "circuit_create": QCoreApplication.translate("Words", "Building a path through Tor"),
        "done": QCoreApplication.translate("Words", "Connected"),
    }
    if tag in words:
        return words[tag]
    if progress < 75:
        return QCoreApplication.translate("Words", "Learning about the Tor network")
    return QCoreApplication.translate("Words", "Building a path through Tor")


def stuck_advice(progress: int) -> str:
    """The next step for a bootstrap that stops at ``progress``, after tor's typical troubles."""
    if progress <= 10:
        return QCoreApplication.translate(
            "Words", "The bridge or relay could not be reached: it is probably blocked here."
        )
    if progress <= 15:
        return QCoreApplication.translate(
            "Words", "The connection was cut during the handshake: this network may recognise this way."
        )
    return QCoreApplication.translate(
        "Words", "Tor stopped while loading the directory: check that your computer's clock is right."
    )
