"""The last validation result of each connection on a server (and of each draft), kept across sessions.

Keys: ``<server url>|<connection id>`` for a connection on a server (:func:`server_key`), or a draft id.
Each entry is ``ValidationResult.to_json()`` (never the access token) plus ``checked_at``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_or_empty, write_json_atomic
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.process_lock import ProcessLock

KIND = "validations"
SCHEMA = 1

__all__ = ["CorruptFileError", "StoredValidation", "ValidationStore", "server_key"]


def server_key(server_url: str, connection_id: str) -> str:
    return f"{canonical_server_url(server_url)}|{connection_id}"


@dataclass(frozen=True)
class StoredValidation:
    result: ValidationResult
    checked_at: str

    def to_json(self) -> dict[str, Any]:
        return {"result": self.result.to_json(), "checked_at": self.checked_at}


class ValidationStore:
    """Read-modify-write of ``paths.validations_file``; every write atomic, under a lock every process
    of the app shares, so two windows (or a window and the CLI) writing at once both keep their results.
    """

    def __init__(self, paths: AppPaths) -> None:
        self._path = paths.validations_file
        self._lock = threading.RLock()
        self._update = ProcessLock(self._path)
        self.problem: CorruptFileError | None = None

    @property
    def path(self) -> Path:
        return self._path

    def all(self) -> dict[str, StoredValidation]:
        with self._lock:
            return self._read()

    def get(self, key: str) -> StoredValidation | None:
        return self.all().get(key)

    def put(self, key: str, result: ValidationResult) -> StoredValidation:
        stored = StoredValidation(result.without_token(), result.checked_at or now_iso())
        with self._lock, self._update:
            entries = self._read()
            entries[key] = stored
            self._write(entries)
        return stored

    def put_many(self, results: Mapping[str, ValidationResult]) -> None:
        """Several results in one write (after "Validate all")."""
        with self._lock, self._update:
            entries = self._read()
            for key, result in results.items():
                entries[key] = StoredValidation(result.without_token(), result.checked_at or now_iso())
            self._write(entries)

    def remove(self, keys: str | Iterable[str]) -> None:
        wanted = {keys} if isinstance(keys, str) else set(keys)
        with self._lock, self._update:
            entries = self._read()
            if not wanted & entries.keys():
                return
            self._write({k: v for k, v in entries.items() if k not in wanted})

    def _read(self) -> dict[str, StoredValidation]:
        document, problem = read_json_or_empty(self._path, KIND, SCHEMA)
        self.problem = problem or self.problem
        raw = document.get("results")
        out: dict[str, StoredValidation] = {}
        if not isinstance(raw, Mapping):
            return out
        for key, entry in raw.items():
            if not isinstance(key, str) or not isinstance(entry, Mapping):
                continue
            result = entry.get("result")
            if not isinstance(result, Mapping):
                continue
            checked_at = entry.get("checked_at")
            parsed = ValidationResult.from_json(result)
            out[key] = StoredValidation(parsed, checked_at if isinstance(checked_at, str) else parsed.checked_at)
        return out

    def _write(self, entries: Mapping[str, StoredValidation]) -> None:
        body = {"results": {k: v.to_json() for k, v in sorted(entries.items())}}
        write_json_atomic(self._path, KIND, SCHEMA, body)
