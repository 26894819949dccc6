"""The preview's exports from the GUI: the CLI's CSV and JSON (``preview --csv`` / ``--json``) for the rows shown, and
the Save dialog that asks where.

A command's token was never read (``Command`` has no such field), so no export can hold one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from mmoauth_gui.core.preview.build import PreviewRow
from mmoauth_gui.core.preview.report import preview_csv, preview_document
from mmoauth_gui.storage.atomic import write_atomic
from mmoauth_gui.ui.preview.state import PreviewData

FORMATS = {"csv": ("CSV", "CSV files (*.csv)"), "json": ("JSON", "JSON files (*.json)")}


def export_json(data: PreviewData, rows: Sequence[PreviewRow], team_id: str | None = None) -> dict[str, Any]:
    """``preview --json``'s document for ``rows``."""
    return preview_document(data.result, data.preview, rows, team_id=team_id, offline=data.offline)


def export_text(data: PreviewData, rows: Sequence[PreviewRow], fmt: str, team_id: str | None = None) -> str:
    if fmt == "csv":
        return preview_csv(data.preview, rows, data.result)
    if fmt == "json":
        return json.dumps(export_json(data, rows, team_id), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown export format {fmt!r}")


def write_export(path: Path, data: PreviewData, rows: Sequence[PreviewRow], fmt: str, team_id: str | None) -> Path:
    """Write the export atomically (call from a worker thread)."""
    write_atomic(path, export_text(data, rows, fmt, team_id))
    return path


def default_folder() -> Path:
    """Where an export is offered first: the user's documents, else downloads, else the home folder."""
    for location in (
        QStandardPaths.StandardLocation.DocumentsLocation,
        QStandardPaths.StandardLocation.DownloadLocation,
    ):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir() and Path(folder) != Path.home():
            return Path(folder)
    return Path.home()


def default_file_name(data: PreviewData, fmt: str) -> str:
    host = data.result.server_url.split("://", 1)[-1].split("/", 1)[0].replace(":", "-") or "server"
    return f"slash-commands-{host}.{fmt}"


def export_dialog(parent: QWidget, data: PreviewData, fmt: str, chosen: Callable[[Path], object]) -> QFileDialog:
    """The Save dialog of an export, opened (not modal to the app) in the default folder; ``chosen`` gets the file."""
    label, name_filter = FORMATS[fmt]
    dialog = QFileDialog(parent, f"Export the slash commands shown as {label}")
    dialog.setObjectName("exportDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix(fmt)
    dialog.selectFile(str(default_folder() / default_file_name(data, fmt)))
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog
