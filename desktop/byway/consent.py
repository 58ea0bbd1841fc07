"""Informed consent before the first probe, in the spirit of OONI's onboarding.

Probing is visible to whoever watches the network, and some tested sites may be illegal where the
user is. Byway says so before anything leaves the machine, asks for a yes, remembers it, and
uploads nothing.
"""

from __future__ import annotations

from byway.i18n import translate


def risk_text() -> str:
    """The words shown before the first diagnosis (CLI and window alike)."""
    return "\n".join(
        [
            translate("Consent", "Before Byway tests this network, please know:"),
            translate(
                "Consent",
                "- Anyone who watches this connection (your internet provider, your employer, a "
                "government) can see that these tests are running and which sites they try.",
            ),
            translate(
                "Consent",
                "- Some of the sites Byway tests may be illegal or frowned upon where you are. "
                "You can test only the addresses you choose instead.",
            ),
            translate(
                "Consent",
                "- Byway uploads nothing. Results stay on this computer unless you share them yourself.",
            ),
        ]
    )


def consent_question() -> str:
    return translate("Consent", "Type yes to run the tests, or anything else to stop: ")


def is_yes(answer: str) -> bool:
    """Only an explicit yes counts.

    >>> is_yes(" Yes "), is_yes("y"), is_yes("")
    (True, True, False)
    """
    return answer.strip().lower() in {"yes", "y", translate("Consent", "yes").lower()}
