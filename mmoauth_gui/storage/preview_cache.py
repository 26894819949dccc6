"""The last sync per server, kept so the preview works offline and can say how old it is.

One file per server under ``paths.preview_cache``. An unreadable file is set aside (never lost, never a
crash) and the caller is told why; the next sync writes a fresh one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_file, set_aside, write_atomic
from mmoauth_gui.storage.paths import AppPaths, app_paths

log = logging.getLogger(__name__)

KIND = "preview-cache"
SCHEMA = 1


@dataclass(frozen=True)
class CachedPreview:
    """What loading found: the cached sync (None when there is none) and, if a file was unreadable, why."""

    result: SyncResult | None
    problem: str = ""


def cache_file_name(server_url: str) -> str:
    """A readable, file-system-safe name that stays distinct for every server URL."""
    key = server_url.strip().rstrip("/").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", key.split("://", 1)[-1]).strip("-")[:60] or "server"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{slug}-{digest}.json"


class PreviewCache:
    def __init__(self, paths: AppPaths | None = None) -> None:
        self.folder = (paths or app_paths()).preview_cache

    def path_for(self, server_url: str) -> Path:
        return self.folder / cache_file_name(server_url)

    def save(self, result: SyncResult) -> Path:
        path = self.path_for(result.server_url)
        document = {"kind": KIND, "schema": SCHEMA, **result.to_json()}
        write_atomic(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
        return path

    def load(self, server_url: str) -> CachedPreview:
        path = self.path_for(server_url)
        try:
            document = read_json_file(path, KIND, SCHEMA)
        except FileNotFoundError:
            return CachedPreview(None)
        except CorruptFileError as exc:
            log.warning("preview cache unreadable: %s", exc)
            return CachedPreview(None, f"The saved preview {exc} Sync again to rebuild it.")
        except OSError as exc:
            return CachedPreview(None, f"The saved preview {path.name} could not be read ({exc.strerror}).")
        try:
            result = SyncResult.from_json(document)
        except ValueError as exc:
            aside = set_aside(path)
            log.warning("preview cache %s malformed (%s); kept as %s", path.name, exc, aside.name)
            return CachedPreview(
                None, f"The saved preview {path.name} was not as written ({exc}); it was kept as {aside.name}."
            )
        return CachedPreview(result)

    def delete(self, server_url: str) -> None:
        self.path_for(server_url).unlink(missing_ok=True)
