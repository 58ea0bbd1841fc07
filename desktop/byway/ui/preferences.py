"""The settings the window edits, and the secrets behind them, saved without losing what was there.

Validation happens before anything is written: a bridge list with one bad line is refused whole,
and the saved list stays as it was. Writes go through :mod:`byway.store` (atomic files, the secret
store); the window calls the ``save_*`` methods on the worker thread, since a keyring may block.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from byway.i18n import translate
from byway.store.errors import SecretStorageChoice, StoreError
from byway.store.locations import Locations
from byway.store.secrets import SecretStore, new_secret_id
from byway.store.settings import Settings, save_settings

if TYPE_CHECKING:
    from byway.store.forget import ForgetReport
    from byway.transports.bridge_line import Bridge, BridgeLineError

PROXY_KINDS = ("none", "https", "socks5", "socks4")
BUILTIN_CHOICES = ("auto", "obfs4", "snowflake", "meek", "none")
LANGUAGES = ("", "en", "fa", "ru")


@dataclass(frozen=True)
class Proxy:
    kind: str = "none"
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""


def check_bridges(text: str) -> tuple[list[Bridge], list[BridgeLineError]]:
    """Parse a pasted bridge list (pure and fast: called on every keystroke)."""
    from byway.transports.bridge_line import parse_bridge_lines

    return parse_bridge_lines(text)


def check_proxy(proxy: Proxy) -> str:
    """The first problem with ``proxy`` in words, or an empty string."""
    if proxy.kind == "none":
        return ""
    if not proxy.host or any(c.isspace() for c in proxy.host):
        return translate("Settings", "Enter the proxy's host name or address, without spaces.")
    if not 0 < proxy.port < 65536:
        return translate("Settings", "Enter a port from 1 to 65535.")
    if proxy.kind == "socks4" and (proxy.username or proxy.password):
        return translate("Settings", "SOCKS4 proxies take no user name or password.")
    return ""


F = TypeVar("F", bound=Callable[..., Any])


def _one_at_a_time(method: F) -> F:
    """Saves run on worker threads, possibly at the same moment (a bridge list and the choice of
    secret storage): each reads the settings, changes one thing and writes them back, so they take
    turns, or one would undo the other. The GUI thread never calls them, so it never waits here."""

    @functools.wraps(method)
    def serialized(self: Preferences, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return serialized  # type: ignore[return-value]


class Preferences:
    """The current settings plus the secret store, with checked, all-or-nothing saves."""

    def __init__(self, locations: Locations, secrets: SecretStore, settings: Settings) -> None:
        self.locations = locations
        self.secrets = secrets
        self.settings = settings
        self.lock = threading.RLock()

    def _commit(self, settings: Settings) -> None:
        save_settings(self.locations, settings)
        self.settings = settings

    def custom_bridges_text(self) -> str:
        ref = self.settings.secrets.custom_bridges
        return (self.secrets.get(ref) or "") if ref else ""

    def custom_bridges(self) -> tuple[Bridge, ...]:
        bridges, _ = check_bridges(self.custom_bridges_text())
        return tuple(bridges)

    @_one_at_a_time
    def save_custom_bridges(self, text: str) -> None:
        """Keep ``text`` as the custom bridge list, or raise the first BridgeLineError and keep the old."""
        bridges, errors = check_bridges(text)
        if errors:
            raise errors[0]
        canonical = "\n".join(str(bridge) for bridge in bridges)
        ref = self.settings.secrets.custom_bridges or new_secret_id("bridges")
        self.secrets.set(ref, canonical)
        if self.settings.secrets.custom_bridges != ref:
            self._commit(replace(self.settings, secrets=replace(self.settings.secrets, custom_bridges=ref)))

    def proxy(self) -> Proxy:
        ui = self.settings.ui
        username = password = ""
        ref = self.settings.secrets.proxy_credentials
        stored = self.secrets.get(ref) if ref else None
        if stored:
            credentials = json.loads(stored)
            username, password = str(credentials.get("username", "")), str(credentials.get("password", ""))
        return Proxy(
            kind=str(ui.get("proxy.kind", "none")),
            host=str(ui.get("proxy.host", "")),
            port=int(ui.get("proxy.port", 0)),
            username=username,
            password=password,
        )

    @_one_at_a_time
    def save_proxy(self, proxy: Proxy) -> None:
        problem = check_proxy(proxy)
        if problem:
            raise ValueError(problem)
        refs = self.settings.secrets
        if proxy.username or proxy.password:
            ref = refs.proxy_credentials or new_secret_id("proxy")
            self.secrets.set(ref, json.dumps({"username": proxy.username, "password": proxy.password}))
            refs = replace(refs, proxy_credentials=ref)
        elif refs.proxy_credentials:
            self.secrets.delete(refs.proxy_credentials)
            refs = replace(refs, proxy_credentials=None)
        ui = {
            **self.settings.ui,
            "proxy.kind": proxy.kind,
            "proxy.host": proxy.host,
            "proxy.port": proxy.port,
        }
        self._commit(replace(self.settings, ui=ui, secrets=refs))

    def moat_bridges(self) -> tuple[Bridge, ...]:
        """The private bridges obtained from Moat (kept in the secret store, never in the settings)."""
        from byway.transports.moat_secrets import read_bridges

        return read_bridges(self.secrets, self.settings.secrets.moat_bridges)

    def own_bridges(self) -> tuple[Bridge, ...]:
        """The user's own bridges and the ones obtained from Moat, for the advisor."""
        own = self.custom_bridges()
        return own + tuple(b for b in self.moat_bridges() if b not in own)

    @_one_at_a_time
    def save_moat_bridges(self, secret_id: str | None) -> None:
        """Point the settings at the bridges Moat just gave (already in the secret store); the
        previous Moat bridges are deleted from the store."""
        old = self.settings.secrets.moat_bridges
        if old and old != secret_id:
            self.secrets.delete(old)
        self._commit(replace(self.settings, secrets=replace(self.settings.secrets, moat_bridges=secret_id)))

    @_one_at_a_time
    def remember_way(self, network_id: str, way: str) -> None:
        """The way that worked on ``network_id``: tried first there next time."""
        self._commit(self.settings.remember_working_transport(network_id, way))

    @_one_at_a_time
    def save_storage_choice(self, choice: SecretStorageChoice) -> None:
        self._commit(replace(self.settings, secret_storage=choice))

    @_one_at_a_time
    def use_secret_store(self, store: SecretStore) -> None:
        """Switch to ``store``, carrying over what was kept so far in this session's memory."""
        old = self.secrets
        if old is not store and old.kind is SecretStorageChoice.SESSION_ONLY:
            for secret_id in old.list_ids():
                value = old.get(secret_id)
                if value is not None and store.get(secret_id) is None:
                    store.set(secret_id, value)
        self.secrets = store

    @_one_at_a_time
    def change_vault_passphrase(self, current: str, new: str) -> None:
        """On the worker (scrypt is slow): check ``current`` against the vault file, then re-encrypt
        every secret under ``new``. A wrong ``current`` raises VaultPassphraseWrong before anything
        is written; a failed write raises StorageUnavailable. Either way the file, its passphrase and
        the open store stay as they were (the new file replaces the old one atomically)."""
        from byway.store.vault import VaultSecretStore

        store = self.secrets
        if not isinstance(store, VaultSecretStore):
            raise StoreError(
                translate(
                    "Settings",
                    "Secrets are not kept in Byway's vault now, so there is no passphrase to change.",
                )
            )
        VaultSecretStore.unlock(store.path, current)  # VaultPassphraseWrong, in words
        store.change_passphrase(new)

    @_one_at_a_time
    def save_ui(self, key: str, value: str | int | bool) -> None:
        self._commit(replace(self.settings, ui={**self.settings.ui, key: value}))

    @_one_at_a_time
    def save_language(self, language: str) -> None:
        self._commit(replace(self.settings, language=language or None))

    @_one_at_a_time
    def save_consent(self) -> None:
        self._commit(self.settings.with_consent())

    @_one_at_a_time
    def forget(self) -> ForgetReport:
        from byway.store.forget import forget_everything

        report = forget_everything(self.locations, self.secrets)
        self.settings = Settings()
        return report
