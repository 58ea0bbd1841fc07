"""resources_dir(): the override, the PyInstaller bundle, and the source checkout, in that order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from byway import resources
from byway.resources import ResourcesNotFound, resources_dir

REPO = Path(__file__).parents[3]


def test_checkout_finds_the_top_level_resources() -> None:
    assert resources_dir(environ={}) == REPO / "resources"
    assert (resources_dir(environ={}) / "bridges" / "pt_config.json").is_file()


def test_environment_variable_overrides(tmp_path: Path) -> None:
    assert resources_dir(environ={"BYWAY_RESOURCES": str(tmp_path)}) == tmp_path
    assert resources_dir(environ={"BYWAY_RESOURCES": ""}) == REPO / "resources"


def test_pyinstaller_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir(environ={}) == tmp_path / "resources"


def test_an_unrelated_resources_folder_is_not_picked(tmp_path: Path) -> None:
    (tmp_path / "resources").mkdir()
    module = tmp_path / "site-packages" / "byway" / "resources.py"
    module.parent.mkdir(parents=True)
    module.touch()
    with pytest.raises(ResourcesNotFound, match="BYWAY_RESOURCES"):
        resources_dir(environ={}, start=module)


def test_a_checkout_elsewhere_is_found(tmp_path: Path) -> None:
    (tmp_path / "resources").mkdir()
    (tmp_path / "desktop" / "byway").mkdir(parents=True)
    assert (
        resources_dir(environ={}, start=tmp_path / "desktop" / "byway" / "resources.py")
        == tmp_path / "resources"
    )
    assert resources.ENVIRONMENT_VARIABLE == "BYWAY_RESOURCES"
