"""Window state (geometry, splitters, last server) in an INI file under the config folder.

Never the registry or the platform default location, so ``--data-dir`` keeps everything in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from mmoauth_gui.storage.paths import AppPaths, private_file

UI_SETTINGS_NAME = "ui.ini"


def ui_settings(paths: AppPaths) -> QSettings:
    # Qt keeps an existing file's permissions when it rewrites it: created private, it stays private.
    path = private_file(paths.config / UI_SETTINGS_NAME)
    return QSettings(str(path), QSettings.Format.IniFormat)
