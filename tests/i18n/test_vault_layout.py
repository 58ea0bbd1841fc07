"""With secrets in the vault, in every shipped language: Settings > General with "Change the vault
passphrase...", and its dialog (empty, busy, and with the longest message it shows), face the right
way and cut no text off. ``test_layout.py`` walks the flow with secrets in memory, so it never sees
them. ``BYWAY_SCREENSHOTS=DIR`` also saves a picture of each.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from byway.store.errors import StorageUnavailable
from byway.store.locations import Locations
from byway.store.vault import ScryptParams, VaultSecretStore
from byway.ui import translation
from byway.ui.app import build
from tests.i18n.conftest import LANGUAGES
from tests.i18n.test_layout import DEFAULT, RTL, survey


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_passphrase_change_fits_in_every_language(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setenv("BYWAY_LANG", language)
    locations = Locations(
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        log_dir=tmp_path / "logs",
        portable=False,
        root=None,
    )
    locations.data_dir.mkdir(parents=True)
    vault = VaultSecretStore.create(locations.vault_file, "correct horse battery", ScryptParams(n=2**10))
    running = build(locations, demo="iran-2022", secrets=vault, time_scale=0.002)
    window = running.window
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    shots = os.environ.get("BYWAY_SCREENSHOTS", "")
    folder = Path(shots) / language if shots else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        window.show()
        expected = Qt.LayoutDirection.RightToLeft if language in RTL else Qt.LayoutDirection.LeftToRight
        window.open_settings()
        general = window.settings_page.general
        window.settings_page.tabs.setCurrentWidget(general)
        problems: list[str] = []

        def look(widget: object, step: str) -> None:
            qtbot.wait(30)  # type: ignore[attr-defined]  # let layouts settle
            assert widget.layoutDirection() == expected, step  # type: ignore[attr-defined]
            problems.extend(survey(widget, step))  # type: ignore[arg-type]
            if folder is not None:
                widget.grab().save(str(folder / f"vault-{step}.png"))  # type: ignore[attr-defined]

        dialog = general.change_passphrase()
        qtbot.waitUntil(dialog.isVisible)  # type: ignore[attr-defined]
        look(dialog, "dialog")
        dialog._set_busy(True)
        look(dialog, "dialog-busy")
        longest = str(StorageUnavailable(locations.vault_file, "the drive is read-only"))
        dialog.show_problem(longest)
        look(dialog, "dialog-problem")
        screen = QApplication.primaryScreen().availableGeometry()
        assert dialog.height() <= screen.height(), "the dialog grew taller than the screen"
        dialog.reject()
        qtbot.waitUntil(lambda: general.passphrase_dialog is None)  # type: ignore[attr-defined]
        general.passphrase_changed.setText(
            general.tr("The vault's passphrase was changed. From now on, only the new one opens it.")
        )
        general.passphrase_changed.show()
        assert general.passphrase_button.isVisible()
        look(window, "general")
        if window.height() > DEFAULT.height() or window.width() > DEFAULT.width():
            problems.append("window: grew beyond its default size")
        assert problems == [], f"text cut off in {language}:\n" + "\n".join(problems)
    finally:
        window.cancel_job()
        running.worker.stop()
        translation.install(QApplication.instance(), "en")  # type: ignore[arg-type]
