"""The preview's exports from the GUI: the CLI's CSV and JSON (``preview --csv`` / ``--json``) for the rows shown.

A command's token was never read (``Command`` has no such field), so no export can hold one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mmoauth_gui.core.preview import PreviewRow
from mmoauth_gui.core.preview_report import preview_csv, preview_json
from mmoauth_gui.storage.atomic import write_atomic
from mmoauth_gui.ui.preview_state import PreviewData

FORMATS = {"csv": ("CSV", "CSV files (*.csv)"), "json": ("JSON", "JSON files (*.json)")}


def problems(data: PreviewData, team_id: str | None = None) -> list[dict[str, str]]:
    """What the sync could not read, as the CLI lists it in ``warnings[]``."""
    result = data.result
    out = []
    for tid, message in result.team_errors.items():
        if team_id is None or tid == team_id:
            out.append({"kind": "team_error", "team_id": tid, "message": f"{result.team_label(tid)}: {message}"})
    for tid, message in result.team_notes.items():
        if team_id is None or tid == team_id:
            out.append({"kind": "team_incomplete", "team_id": tid, "message": f"{result.team_label(tid)}: {message}"})
    if result.connections_error:
        out.append({"kind": "connections_error", "message": result.connections_error})
    if result.server_check_error:
        out.append({"kind": "server_check_error", "message": result.server_check_error})
    return out


def export_json(data: PreviewData, rows: Sequence[PreviewRow], team_id: str | None = None) -> dict[str, Any]:
    """``preview --json``'s document for ``rows``."""
    result = data.result
    document = preview_json(data.preview, rows)
    document["warnings"] = problems(data, team_id) + document["warnings"]
    for row in document["rows"]:
        row["team_name"] = result.team_label(row["team_id"])
    document.update(
        {
            "server_url": result.server_url,
            "fetched_at": result.fetched_at,
            "age": result.age_text(),
            "offline": data.offline,
            "team_id": team_id,
            "teams": [{"id": t.id, "name": t.name, "display_name": t.display_name} for t in result.teams],
            "drafts_applied": [],
        }
    )
    return document


def export_text(data: PreviewData, rows: Sequence[PreviewRow], fmt: str, team_id: str | None = None) -> str:
    if fmt == "csv":
        return preview_csv(data.preview, rows)
    if fmt == "json":
        return json.dumps(export_json(data, rows, team_id), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown export format {fmt!r}")


def write_export(path: Path, data: PreviewData, rows: Sequence[PreviewRow], fmt: str, team_id: str | None) -> Path:
    """Write the export atomically (call from a worker thread)."""
    write_atomic(path, export_text(data, rows, fmt, team_id))
    return path


def default_file_name(data: PreviewData, fmt: str) -> str:
    host = data.result.server_url.split("://", 1)[-1].split("/", 1)[0].replace(":", "-") or "server"
    return f"slash-commands-{host}.{fmt}"
