"""Window state (geometry, splitters, last server) in an INI file under the config folder.

Never the registry or the platform default location, so ``--data-dir`` keeps everything in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from mmoauth_gui.storage.paths import AppPaths

UI_SETTINGS_NAME = "ui.ini"


def ui_settings(paths: AppPaths) -> QSettings:
    paths.config.mkdir(parents=True, exist_ok=True)
    return QSettings(str(paths.config / UI_SETTINGS_NAME), QSettings.Format.IniFormat)
