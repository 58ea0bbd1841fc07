"""``down`` leaves nothing behind: no namespace, process, nft table, /etc/netns entry or state."""

from __future__ import annotations

from pathlib import Path

import pytest

from byway.lab import addresses as plan
from byway.lab import control, namespaces
from byway.lab.testing import LabHandle


@pytest.mark.lab
@pytest.mark.lab_teardown
def test_down_leaves_nothing(lab: LabHandle) -> None:
    pids = [p.pid for p in control.status().processes]
    assert pids
    control.down()
    assert namespaces.lab_namespaces() == []
    assert (
        not [d for d in Path("/etc/netns").glob(f"{plan.PREFIX}*")] if Path("/etc/netns").exists() else True
    )
    assert not plan.STATE_DIR.exists()
    assert not [pid for pid in pids if namespaces.is_alive(pid)]
    assert not [p for p in Path("/proc").glob("[0-9]*/cmdline") if _mentions_lab(p)]
    # The host's own firewall never had a lab table (the censor's rules lived in its namespace).
    assert "byway-lab" not in namespaces.run(["nft", "list", "tables"], check=False)
    control.down()  # idempotent


def _mentions_lab(cmdline: Path) -> bool:
    try:
        text = cmdline.read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"/run/byway-lab/" in text or b"byway.lab.udp_echo" in text or b"byway.lab.moat_server" in text
