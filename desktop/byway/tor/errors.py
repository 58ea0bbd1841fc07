"""Typed tor errors, each able to say in plain words what went wrong and what to do next.

The core raises these; the window and the CLI show ``explanation()`` and ``next_step()``. Keeping the
words next to the type (rather than in the UI) means the CLI, the window and the report all say the
same thing, and the translation layer sees every sentence.
"""

from __future__ import annotations

from byway.i18n import translate


class TorError(Exception):
    """Something stopped tor from connecting or from staying connected."""

    def explanation(self) -> str:
        return translate("Tor", "Tor could not connect.")

    def next_step(self) -> str:
        return translate("Tor", "Try another way out, or try again later.")

    def __str__(self) -> str:
        return self.explanation()


class TorConfigRefused(TorError, ValueError):
    """A configuration value that cannot be written safely into a torrc (a newline, a NUL, ...)."""

    def __init__(self, key: str, why: str) -> None:
        self.key = key
        self.why = why
        super().__init__(key, why)

    def explanation(self) -> str:
        return translate("Tor", "A setting for Tor was refused ({key}: {why}).").format(
            key=self.key, why=self.why
        )

    def next_step(self) -> str:
        return translate("Tor", "Check the bridge lines and proxy you entered.")


class TorMissing(TorError):
    """The tor program itself is not installed (or not where it was said to be)."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(detail)

    def explanation(self) -> str:
        text = translate("Tor", "The Tor program was not found on this computer.")
        return f"{text} ({self.detail})" if self.detail else text

    def next_step(self) -> str:
        return translate("Tor", "Install Tor (the 'tor' package), or use the portable Byway that carries it.")


class TorExited(TorError):
    """tor stopped by itself; ``last_log`` is its last words, which usually say why."""

    def __init__(self, returncode: int | None, last_log: str = "") -> None:
        self.returncode = returncode
        self.last_log = last_log
        super().__init__(returncode, last_log)

    def explanation(self) -> str:
        text = translate("Tor", "Tor stopped unexpectedly (exit status {code}).").format(code=self.returncode)
        return f"{text} {self.last_log}".strip()

    def next_step(self) -> str:
        return translate("Tor", "Try connecting again; if it keeps happening, save a report and share it.")


class BootstrapStalled(TorError):
    """Bootstrap made no progress for a while; ``tag``/``progress`` say where it stopped."""

    def __init__(self, progress: int, tag: str, waited_s: float) -> None:
        self.progress = progress
        self.tag = tag
        self.waited_s = waited_s
        super().__init__(progress, tag, waited_s)

    def explanation(self) -> str:
        if self.progress < 14:
            text = translate(
                "Tor",
                "Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. "
                "This network probably blocks it.",
            )
        elif self.progress < 20:
            text = translate(
                "Tor",
                "Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but "
                "then disturbed, which is how deep packet inspection of this transport looks.",
            )
        else:
            text = translate(
                "Tor",
                "Tor got stuck at {progress}% ({tag}) while loading the network's directory.",
            )
        return text.format(progress=self.progress, tag=self.tag)

    def next_step(self) -> str:
        if self.progress < 20:
            return translate("Tor", "Try another bridge or another transport (snowflake, meek, webtunnel).")
        return translate("Tor", "Check that the computer's date, time and time zone are right, then retry.")


class ConnectionRefusedByNetwork(TorError):
    """tor's own warning: connections were refused, reset, timed out or had no route."""

    def __init__(self, reason: str, progress: int, warning: str = "") -> None:
        self.reason = reason
        self.progress = progress
        self.warning = warning
        super().__init__(reason, progress, warning)

    def explanation(self) -> str:
        texts = {
            "CONNECTREFUSED": translate(
                "Tor", "Connections to Tor were refused at once: this network actively blocks them."
            ),
            "CONNECTRESET": translate(
                "Tor", "Connections to Tor were cut off (reset): this network interferes with them."
            ),
            "TIMEOUT": translate(
                "Tor", "Connections to Tor timed out: this network silently drops them, or is very slow."
            ),
            "NOROUTE": translate(
                "Tor", "There is no route to the Tor network: this computer may be offline, or it is blocked."
            ),
        }
        return texts.get(
            self.reason,
            translate("Tor", "Tor could not reach the network ({reason}).").format(reason=self.reason),
        )

    def next_step(self) -> str:
        if self.reason == "NOROUTE":
            return translate("Tor", "Check that this computer is online, then try a bridge.")
        return translate("Tor", "Use a bridge with a transport such as obfs4, snowflake or meek.")


class PtMissing(TorError):
    """A pluggable-transport program tor needs is missing or failed to start."""

    def __init__(self, transport: str, detail: str = "") -> None:
        self.transport = transport
        self.detail = detail
        super().__init__(transport, detail)

    def explanation(self) -> str:
        return translate("Tor", "The program that carries the {transport} transport could not run.").format(
            transport=self.transport or "?"
        )

    def next_step(self) -> str:
        return translate(
            "Tor", "Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way."
        )


class ClockSkew(TorError):
    """The computer's clock is so far off that tor cannot trust the network's directory."""

    def __init__(self, skew_s: int, source: str = "") -> None:
        self.skew_s = skew_s
        self.source = source
        super().__init__(skew_s, source)

    def explanation(self) -> str:
        return translate("Tor", "This computer's clock is off by about {minutes} minutes.").format(
            minutes=abs(self.skew_s) // 60
        )

    def next_step(self) -> str:
        return translate("Tor", "Set the right date, time and time zone, then connect again.")


class ProxyFailed(TorError):
    """The upstream proxy (the one the user said the network requires) did not carry tor's traffic."""

    def __init__(self, proxy: str, detail: str = "") -> None:
        self.proxy = proxy
        self.detail = detail
        super().__init__(proxy, detail)

    def explanation(self) -> str:
        return translate("Tor", "Tor could not connect through the proxy {proxy}.").format(proxy=self.proxy)

    def next_step(self) -> str:
        return translate("Tor", "Check the proxy's address, port, user name and password, or remove it.")


class NothingWorked(TorError):
    """Every option of the plan failed; ``failures`` keeps each one's own error, in plan order."""

    def __init__(self, failures: tuple[tuple[str, TorError], ...]) -> None:
        self.failures = failures
        super().__init__(failures)

    def explanation(self) -> str:
        if not self.failures:
            return translate("Tor", "There was nothing to try: the plan had no usable way out.")
        parts = [f"{name}: {error.explanation()}" for name, error in self.failures]
        return translate("Tor", "None of the ways out worked.") + " " + " ".join(parts)

    def next_step(self) -> str:
        if self.failures:
            return self.failures[-1][1].next_step()
        return translate("Tor", "Install a transport, or add a bridge you got from a friend.")
