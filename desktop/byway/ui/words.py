"""Words the window adds to the core's: names of ways out, tor's bootstrap phases, and errors."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from byway.plan import Way


def _t(text: str) -> str:
    return QCoreApplication.translate("Words", text)


def way_name(way: Way) -> str:
    names = {
        Way.DIRECT: _t("Plain Tor (no bridge)"),
        Way.OBFS4: _t("obfs4 bridges"),
        Way.SNOWFLAKE: _t("Snowflake"),
        Way.MEEK: _t("meek (through a cloud provider)"),
        Way.WEBTUNNEL: _t("WebTunnel bridges"),
        Way.CONJURE: _t("Conjure"),
        Way.VANILLA_BRIDGE: _t("Plain bridges"),
        Way.CUSTOM: _t("Your own bridges"),
    }
    return names[way]


def phase_words(tag: str, progress: int) -> str:
    """tor's bootstrap tag as a sentence; unknown tags fall back to the percentage band."""
    words = {
        "starting": _t("Starting Tor"),
        "conn_pt": _t("Starting the bridge's transport"),
        "conn_done_pt": _t("Reaching the bridge"),
        "conn_proxy": _t("Connecting to your proxy"),
        "conn_done_proxy": _t("Connected to your proxy"),
        "conn": _t("Connecting to the Tor network"),
        "conn_done": _t("Connected to a first relay"),
        "handshake": _t("Greeting the first relay"),
        "handshake_done": _t("The first relay answered"),
        "onehop_create": _t("Opening an encrypted directory connection"),
        "requesting_status": _t("Asking for the list of relays"),
        "loading_status": _t("Loading the list of relays"),
        "loading_keys": _t("Loading the directory keys"),
        "requesting_descriptors": _t("Asking for relay details"),
        "loading_descriptors": _t("Loading relay details"),
        "enough_dirinfo": _t("Enough is known to build a path"),
        "ap_handshake_done": _t("Building a path through Tor"),
        "circuit_create": _t("Building a path through Tor"),
        "done": _t("Connected"),
    }
    if tag in words:
        return words[tag]
    if progress < 75:
        return _t("Learning about the Tor network")
    return _t("Building a path through Tor")


def stuck_advice(progress: int) -> str:
    """The next step for a bootstrap that stops at ``progress``, after tor's typical troubles."""
    if progress <= 10:
        return _t("The bridge or relay could not be reached: it is probably blocked here.")
    if progress <= 15:
        return _t("The connection was cut during the handshake: this network may recognise this way.")
    return _t("Tor stopped while loading the directory: check that your computer's clock is right.")
