"""Where Byway keeps its files: the platform's usual folders, or everything under a portable root.

Portable mode exists for people who carry Byway on a USB stick and must leave no trace on the
computer they borrow: then config, data (including tor's DataDirectory), caches, logs and the
encrypted secrets vault all live under one root next to the program.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from byway.i18n import translate
from byway.store.atomic import describe_os_error
from byway.store.errors import StorageUnavailable

APP_NAME = "byway"
PORTABLE_MARKER = "byway-portable"
SETTINGS_FILE_NAME = "settings.json"
VAULT_FILE_NAME = "secrets.vault"

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Locations:
    """The folders Byway may write to; nothing outside them is ever touched.

    ``root`` is the portable root in portable mode and ``None`` otherwise (the platform folders are
    scattered and have no common root).
    """

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    portable: bool
    root: Path | None

    @property
    def settings_file(self) -> Path:
        return self.config_dir / SETTINGS_FILE_NAME

    @property
    def vault_file(self) -> Path:
        return self.data_dir / VAULT_FILE_NAME

    @property
    def bridge_catalog_dir(self) -> Path:
        """Where a refreshed built-in bridge catalog is kept, with its date, between runs."""
        return self.data_dir / "bridges"

    @property
    def tor_root(self) -> Path:
        return self.data_dir / "tor"

    def tor_data_dir(self, profile: str) -> Path:
        """tor's DataDirectory for one connection profile, kept between runs for fast reconnects."""
        if not _PROFILE_NAME.match(profile):
            raise ValueError(f"not a profile name: {profile!r}")
        return self.tor_root / profile

    def all_dirs(self) -> tuple[Path, ...]:
        return (self.config_dir, self.data_dir, self.cache_dir, self.log_dir)

    def ensure(self, directory: Path) -> Path:
        """Create ``directory`` (and missing parents) private to the user, and return it.

        In portable mode the root itself is never created: if the drive was removed, recreating the
        folder would silently write to the borrowed computer instead.
        """
        if self.root is not None and not self.root.is_dir():
            raise StorageUnavailable(self.root, translate("Store", "the portable folder is gone"))
        try:
            _make_private_dirs(directory)
        except OSError as error:
            raise StorageUnavailable(directory, describe_os_error(error)) from error
        return directory

    def ensure_all(self) -> None:
        for directory in self.all_dirs():
            self.ensure(directory)


def _make_private_dirs(directory: Path) -> None:
    """mkdir -p with mode 0o700 on every folder created here (existing parents are left alone)."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is filtered by the umask


def portable_root_for(executable: Path) -> Path | None:
    """The folder holding the portable marker next to ``executable``, if there is one."""
    folder = executable.resolve().parent
    return folder if (folder / PORTABLE_MARKER).is_file() else None


def resolve_locations(portable_dir: Path | None, executable: Path) -> Locations:
    """Decide where files live: ``--portable DIR``, else a marker next to the program, else platformdirs.

    ``executable`` is the frozen binary or the launch script (``sys.argv[0]``). Nothing is created
    here; writers call :meth:`Locations.ensure` when they first need a folder.
    """
    root = portable_dir.resolve() if portable_dir is not None else portable_root_for(executable)
    if root is not None:
        return Locations(
            config_dir=root / "config",
            data_dir=root / "data",
            cache_dir=root / "cache",
            log_dir=root / "logs",
            portable=True,
            root=root,
        )
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Locations(
        config_dir=Path(dirs.user_config_dir),
        data_dir=Path(dirs.user_data_dir),
        cache_dir=Path(dirs.user_cache_dir),
        log_dir=Path(dirs.user_log_dir),
        portable=False,
        root=None,
    )
