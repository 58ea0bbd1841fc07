"""The CLI's diagnostic log: off by default; ``--log`` (or the saved choice) writes a rotated file from
which addresses, bridge lines, fingerprints and certificates are scrubbed."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from byway.cli import main
from byway.store.locations import resolve_locations
from byway.store.logs import BACKUP_COUNT, LOG_FILE_NAME, LOGGER_NAME, MAX_BYTES, configure_logging


@pytest.fixture()
def stick(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "stick"
    yield folder
    configure_logging(resolve_locations(folder, folder / "byway"), enabled=False)  # close the file


def test_the_log_flag_writes_a_rotated_scrubbed_log(stick: Path) -> None:
    fingerprint = secrets.token_hex(20).upper()
    cert = secrets.token_urlsafe(52)
    line = f"obfs4 203.0.113.45:4431 {fingerprint} cert={cert} iat-mode=0"
    assert main(["--portable", str(stick), "--log", "bridges", "list"]) == 0
    logger = logging.getLogger("byway.tor.connector")
    # The padding comes first: a bridge line is scrubbed to the end of the line.
    record = "x" * 200 + f" via 198.51.100.9:1080 and [2001:db8::7]:443, attempt with Bridge {line}"
    for _ in range(MAX_BYTES // 250 + 50):
        logger.info("%s", record)
    logs = sorted((stick / "logs").iterdir())
    assert [p.name for p in logs[:2]] == [LOG_FILE_NAME, f"{LOG_FILE_NAME}.1"]  # rotated
    assert len(logs) <= BACKUP_COUNT + 1
    everything = "".join(path.read_text(encoding="utf-8") for path in logs)
    assert ": bridges (portable: True)" in everything and "attempt with [bridge]" in everything
    for path in logs:
        assert path.stat().st_size <= MAX_BYTES + len(record) + 200
        content = path.read_bytes()
        for needle in (fingerprint, cert, "203.0.113.45", "198.51.100.9", "2001:db8::7"):
            assert needle.encode() not in content, (path, needle)


def test_no_flag_no_log_and_no_warning_on_stderr(stick: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--portable", str(stick), "bridges", "list"]) == 0
    logging.getLogger("byway.tor.connector").warning("connect failed at 192.0.2.1")
    assert not (stick / "logs").exists()
    assert "192.0.2.1" not in capsys.readouterr().err


def test_the_saved_choice_turns_the_log_on(stick: Path) -> None:
    (stick / "config").mkdir(parents=True)
    (stick / "config" / "settings.json").write_text(json.dumps({"version": 1, "diagnostic_logging": True}))
    assert main(["--portable", str(stick), "bridges", "list"]) == 0
    logging.getLogger(LOGGER_NAME).info("hello from 192.0.2.3")
    text = (stick / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "hello from [address]" in text
