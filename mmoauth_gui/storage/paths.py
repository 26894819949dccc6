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


def app_paths(data_dir: str | Path | None = None) -> AppPaths:
    """``data_dir`` if given, else ``$MMOAUTH_DATA_DIR``, else the platform's folders."""
    root = data_dir or os.environ.get(DATA_DIR_ENV)
    return AppPaths.under(root) if root else AppPaths.platform_default()
