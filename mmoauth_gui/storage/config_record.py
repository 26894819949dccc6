"""The local record, per server, of the secret versions ``config apply`` sent: never a secret.

``{"servers": {"<server url>": {"<connection id>": {"name": ..., "secret_version": N}}}}``. A connection
with no record counts as version 1 (what ``config export`` writes), so a fresh checkout plans nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_or_empty, write_json_atomic
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.process_lock import ProcessLock

KIND = "config-applied"
SCHEMA = 1


class AppliedRecord:
    """Read-modify-write of ``paths.config_record_file``; every write atomic, under the app-wide lock."""

    def __init__(self, paths: AppPaths) -> None:
        self._path = paths.config_record_file
        self._lock = threading.RLock()
        self._update = ProcessLock(self._path)
        self.problem: CorruptFileError | None = None

    @property
    def path(self) -> Path:
        return self._path

    def _servers(self) -> dict[str, Any]:
        document, problem = read_json_or_empty(self._path, KIND, SCHEMA)
        self.problem = problem or self.problem
        servers = document.get("servers")
        return servers if isinstance(servers, dict) else {}

    def versions(self, server_url: str) -> dict[str, int]:
        """Connection id → the secret version last applied to it on ``server_url``."""
        with self._lock:
            entries = self._servers().get(canonical_server_url(server_url))
        out: dict[str, int] = {}
        if isinstance(entries, dict):
            for conn_id, entry in entries.items():
                version = entry.get("secret_version") if isinstance(entry, dict) else None
                if isinstance(version, int) and not isinstance(version, bool):
                    out[str(conn_id)] = version
        return out

    def record(self, server_url: str, connection_id: str, name: str, secret_version: int) -> None:
        with self._lock, self._update:
            servers = self._servers()
            key = canonical_server_url(server_url)
            entries = servers.get(key)
            if not isinstance(entries, dict):
                entries = servers[key] = {}
            entries[connection_id] = {"name": name, "secret_version": int(secret_version)}
            write_json_atomic(self._path, KIND, SCHEMA, {"servers": servers})

    def forget(self, server_url: str, connection_id: str) -> None:
        with self._lock, self._update:
            servers = self._servers()
            entries = servers.get(canonical_server_url(server_url))
            if isinstance(entries, dict) and entries.pop(connection_id, None) is not None:
                write_json_atomic(self._path, KIND, SCHEMA, {"servers": servers})
