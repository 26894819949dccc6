"""Every folder the app writes to. One place, overridable by ``--data-dir`` or ``MMOAUTH_DATA_DIR``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "mmoauth-gui"
DATA_DIR_ENV = "MMOAUTH_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    config: Path
    data: Path
    state: Path
    cache: Path
    logs: Path

    @classmethod
    def under(cls, root: str | Path) -> AppPaths:
        base = Path(root).expanduser().resolve()
        return cls(base / "config", base / "data", base / "state", base / "cache", base / "logs")

    @classmethod
    def platform_default(cls) -> AppPaths:
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            Path(dirs.user_config_dir),
            Path(dirs.user_data_dir),
            Path(dirs.user_state_dir),
            Path(dirs.user_cache_dir),
            Path(dirs.user_log_dir),
        )

    @property
    def drafts(self) -> Path:
        return self.data / "drafts"

    @property
    def profiles_file(self) -> Path:
        return self.config / "profiles.json"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def validations_file(self) -> Path:
        return self.state / "validations.json"

    @property
    def expectations_file(self) -> Path:
        return self.config / "expectations.json"

    @property
    def config_record_file(self) -> Path:
        return self.state / "config-applied.json"

    @property
    def preview_cache(self) -> Path:
        return self.cache / "preview"

    @property
    def log_file(self) -> Path:
        return self.logs / "mmoauth-gui.log"

    def all(self) -> tuple[Path, ...]:
        return (self.config, self.data, self.state, self.cache, self.logs)


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by this user only; tighten it if it exists (POSIX).

    Drafts, profiles, the log and the window settings name servers, client ids and token URLs: no other
    account on the machine should list or read them.
    """
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix":
        for folder in (*missing, path):
            os.chmod(folder, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make an existing ``path`` readable and writable by this user only (POSIX); create it empty if absent."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE_MODE)
    return path


def app_paths(data_dir: str | Path | None = None) -> AppPaths:
    """``data_dir`` if given, else ``$MMOAUTH_DATA_DIR``, else the platform's folders."""
    root = data_dir or os.environ.get(DATA_DIR_ENV)
    return AppPaths.under(root) if root else AppPaths.platform_default()
