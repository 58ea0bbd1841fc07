"""The OS keyring adapter: a real Secret Service (gnome-keyring) and the paths where none is usable."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import keyring.backends.fail
import pytest
from keyring.errors import InitError, KeyringLocked, PasswordSetError

from byway.store import (
    KeyringProblem,
    KeyringSecretStore,
    KeyringUnavailable,
    MemorySecretStore,
    SecretStorageChoice,
    SecretStore,
    open_keyring_store,
    open_secret_store,
)

from .conftest import MemoryBackend, files_under

SCRIPT = Path(__file__).with_name("keyring_roundtrip.py")
HAVE_SECRET_SERVICE = shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")


def run_in_dbus_session(home: Path, secret: str, *, unlock: bool) -> dict[str, object]:
    """Start a private session bus and gnome-keyring, then run the round-trip script inside it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    start = (
        "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        if unlock
        else "gnome-keyring-daemon --start --components=secrets >/dev/null"
    )
    command = f'{start}; exec "$0" "$1" "$2"'
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", command, sys.executable, str(SCRIPT), secret],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
        cwd=home,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result line; stdout={result.stdout!r} stderr={result.stderr!r}"
    return dict(json.loads(lines[-1]))


@pytest.mark.skipif(not HAVE_SECRET_SERVICE, reason="LOUD SKIP: dbus-run-session/gnome-keyring missing")
def test_real_secret_service_round_trip(home: Path) -> None:
    secret = "obfs4 " + secrets.token_hex(16)
    result = run_in_dbus_session(home, secret, unlock=True)
    assert result["backend"] == "keyring.backends.SecretService.Keyring", result
    assert result == {
        "backend": "keyring.backends.SecretService.Keyring",
        "round_trip": True,
        "listed": True,
        "deleted": True,
        "left": [],
    }
    # gnome-keyring encrypts its file: the secret must not appear anywhere in the temporary home.
    for path in files_under(home):
        assert secret.encode() not in path.read_bytes(), path


@pytest.mark.skipif(not HAVE_SECRET_SERVICE, reason="LOUD SKIP: dbus-run-session/gnome-keyring missing")
def test_keyring_that_cannot_be_unlocked_is_reported_not_used(home: Path) -> None:
    """No unlock and no display for the prompt: the keyring refuses, Byway says so plainly."""
    secret = secrets.token_hex(16)
    result = run_in_dbus_session(home, secret, unlock=False)
    assert result.get("unavailable") in {KeyringProblem.REFUSED.value, KeyringProblem.LOCKED.value}, result
    assert "keyring" in str(result["message"]).lower()
    for path in files_under(home):
        assert secret.encode() not in path.read_bytes(), path


def test_fail_backend_from_environment_gives_keyring_unavailable(home: Path) -> None:
    secret = secrets.token_hex(16)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), secret], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["unavailable"] == KeyringProblem.NONE_INSTALLED.value
    assert "No system keyring" in outcome["message"]
    assert "Byway's own vault" in outcome["message"]  # the choice is offered
    for path in files_under(home):
        assert secret.encode() not in path.read_bytes(), path


def test_fail_backend_object_is_refused() -> None:
    with pytest.raises(KeyringUnavailable) as caught:
        open_keyring_store(keyring.backends.fail.Keyring())
    assert caught.value.problem is KeyringProblem.NONE_INSTALLED
    assert caught.value.choices == (SecretStorageChoice.SESSION_ONLY, SecretStorageChoice.VAULT)


class PlaintextKeyring:
    """Stands in for keyrings.alt.file.PlaintextKeyring: it would happily store secrets in clear."""

    priority = 1

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password


def test_plaintext_backend_is_treated_as_unavailable() -> None:
    backend = PlaintextKeyring()
    with pytest.raises(KeyringUnavailable) as caught:
        open_keyring_store(backend)
    assert caught.value.problem is KeyringProblem.PLAINTEXT_ONLY
    assert backend.stored == {}


def test_chainer_with_only_fail_and_plaintext_is_unavailable() -> None:
    from keyring.backends.chainer import ChainerBackend

    class OnlyBadChoices(ChainerBackend):  # type: ignore[misc]
        backends: ClassVar[list[object]] = [PlaintextKeyring(), keyring.backends.fail.Keyring()]

    with pytest.raises(KeyringUnavailable) as caught:
        KeyringSecretStore(OnlyBadChoices())
    assert caught.value.problem is KeyringProblem.PLAINTEXT_ONLY


def test_chainer_skips_plaintext_member() -> None:
    from keyring.backends.chainer import ChainerBackend

    good = MemoryBackend()

    class Mixed(ChainerBackend):  # type: ignore[misc]
        backends: ClassVar[list[object]] = [PlaintextKeyring(), good]

    store = KeyringSecretStore(Mixed())
    store.set("proxy/abcdefgh", "user:pw")
    assert good.stored[("byway", "proxy/abcdefgh")] == "user:pw"
    assert store.list_ids() == ("proxy/abcdefgh",)


class LockedKeyring:
    """A backend whose collection stays locked, as keyring's SecretService reports it."""

    priority = 5

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")


def test_locked_keyring_is_reported_as_locked() -> None:
    with pytest.raises(KeyringUnavailable) as caught:
        open_keyring_store(LockedKeyring())
    assert caught.value.problem is KeyringProblem.LOCKED
    assert "locked" in caught.value.message


def test_memory_store_round_trip_and_session_choice(locations: object) -> None:
    from byway.store import Locations

    assert isinstance(locations, Locations)
    store = open_secret_store(locations, SecretStorageChoice.SESSION_ONLY)
    assert isinstance(store, MemorySecretStore)
    assert isinstance(store, SecretStore)
    store.set("proxy/abcdefgh", "user:pass")
    store.set("custom-bridges/ijklmnop", "obfs4 ...")
    assert store.get("proxy/abcdefgh") == "user:pass"
    assert store.list_ids() == ("custom-bridges/ijklmnop", "proxy/abcdefgh")
    store.delete("proxy/abcdefgh")
    store.delete("proxy/abcdefgh")  # deleting twice is fine
    assert store.get("proxy/abcdefgh") is None
    assert store.list_ids() == ("custom-bridges/ijklmnop",)
    assert not locations.config_dir.exists() and not locations.data_dir.exists()


class FailingBackend(MemoryBackend):
    """A keyring that opens fine, then fails on the next write the way a real backend can."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error


class DBusErrorResponse(Exception):
    """Shaped like jeepney's error when the bus or the Secret Service goes away."""


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (InitError("Failed to create the collection: Prompt dismissed.."), KeyringProblem.REFUSED),
        (PasswordSetError("refused"), KeyringProblem.REFUSED),
        (KeyringLocked("Failed to unlock the item!"), KeyringProblem.LOCKED),
        (InitError("Failed to connect"), KeyringProblem.BROKEN),
        (DBusErrorResponse("org.freedesktop.DBus.Error.ServiceUnknown"), KeyringProblem.BROKEN),
    ],
)
def test_failures_after_opening_become_keyring_unavailable(error: Exception, problem: KeyringProblem) -> None:
    backend = FailingBackend(error)
    store = open_keyring_store(backend)
    with pytest.raises(KeyringUnavailable) as caught:
        store.set("proxy/abcdefgh", "user:pw")
    assert caught.value.problem is problem
    assert caught.value.message.startswith(caught.value.reason)
    assert backend.stored == {}
