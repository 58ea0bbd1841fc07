"""Why a bridge line was refused, for people (a sentence) and for code (a reason).

A bridge line arrives from untrusted places: a chat message, a QR code, a server. When it is refused,
the user needs to know what to fix ("the fingerprint must be 40 hexadecimal characters; got 39") and
the program needs something stable to branch on and count (``Reason.BAD_FINGERPRINT``). The sentence
is translated where it is made; the reason never is.
"""

from __future__ import annotations

from enum import StrEnum

from byway.i18n import translate


class Reason(StrEnum):
    """A stable, machine-readable name for what is wrong with a bridge line."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    NON_ASCII = "non_ascii"
    COMMENT = "comment"
    UNKNOWN_TRANSPORT = "unknown_transport"
    MISSING_ADDRESS = "missing_address"
    BAD_ADDRESS = "bad_address"
    BAD_PORT = "bad_port"
    MISSING_FINGERPRINT = "missing_fingerprint"
    BAD_FINGERPRINT = "bad_fingerprint"
    FINGERPRINT_MISMATCH = "fingerprint_mismatch"
    BAD_ARGUMENT = "bad_argument"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_ARGUMENT = "unknown_argument"
    MISSING_ARGUMENT = "missing_argument"
    UNSAFE_VALUE = "unsafe_value"
    BAD_URL = "bad_url"
    BAD_CERT = "bad_cert"
    BAD_IAT_MODE = "bad_iat_mode"
    EXTRA_TEXT = "extra_text"


class BridgeLineError(ValueError):
    """A bridge line that does not follow the grammar, with a plain message and a ``reason``.

    ``line_number`` is set (counting from 1) when the line came from a pasted block.

    >>> error = BridgeLineError(Reason.BAD_PORT, "the port must be a number from 1 to 65535")
    >>> error.reason, str(error)
    (<Reason.BAD_PORT: 'bad_port'>, 'the port must be a number from 1 to 65535')
    >>> str(error.at_line(3))
    'line 3: the port must be a number from 1 to 65535'
    """

    def __init__(self, reason: Reason, message: str, *, line_number: int | None = None) -> None:
        self.reason = reason
        self.message = message
        self.line_number = line_number
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line_number is None:
            return self.message
        return translate("BridgeLine", "line {number}: {problem}").format(
            number=self.line_number, problem=self.message
        )

    def at_line(self, line_number: int) -> BridgeLineError:
        """The same problem, located in a pasted block (a new error; this one is unchanged)."""
        return BridgeLineError(self.reason, self.message, line_number=line_number)

    def __repr__(self) -> str:
        return f"BridgeLineError({self.reason!r}, {self.message!r}, line_number={self.line_number!r})"
