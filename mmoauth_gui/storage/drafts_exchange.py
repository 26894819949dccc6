"""The drafts export file: write a set of drafts or a server's connections (never a secret), read one back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.drafts.exchange import ExchangeEntry, bound_to_profiles
from mmoauth_gui.core.drafts.model import DraftError
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.storage.atomic import write_json_atomic
from mmoauth_gui.storage.paths import AppPaths

EXPORT_KIND = "drafts-export"
EXPORT_SCHEMA = 1


class ExchangeFileError(DraftError):
    """An import file that cannot be read (it is the user's file: it is left where it is)."""


def write_exchange(path: Path, entries: Sequence[ExchangeEntry], source: dict[str, Any]) -> None:
    body = {"exported_at": now_iso(), "source": source, "drafts": [e.to_json() for e in entries]}
    write_json_atomic(path, EXPORT_KIND, EXPORT_SCHEMA, body)


def export_connections(path: Path, connections: Sequence[Connection], server_url: str) -> int:
    """Write a server's connections as drafts (backup, or a move to another server); no secrets."""
    entries = [ExchangeEntry.from_connection(c, server_url) for c in sorted(connections, key=lambda c: c.name)]
    write_exchange(path, entries, {"type": "server", "server_url": canonical_server_url(server_url)})
    return len(entries)


def read_exchange_file(path: Path, profiles: Mapping[str, str] | None = None) -> list[ExchangeEntry]:
    """Entries of an export file; :class:`ExchangeFileError` (the file left untouched) when unreadable.

    Each entry keeps its target server and origin only where they name one of ``profiles`` (name to URL,
    the saved server profiles): a file never chooses where credentials go.
    """
    import json

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExchangeFileError(f"{path} does not exist.") from None
    except RecursionError:
        raise ExchangeFileError(f"{path} is not a readable JSON file (nested too deeply).") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExchangeFileError(f"{path} is not a readable JSON file ({exc}).") from None
    if not isinstance(document, dict) or document.get("kind") != EXPORT_KIND:
        raise ExchangeFileError(f"{path} is not a drafts export (its kind should be “{EXPORT_KIND}”).")
    schema = document.get("schema")
    if not isinstance(schema, int) or schema > EXPORT_SCHEMA:
        raise ExchangeFileError(f"{path} was written by a newer version of mmoauth-gui (schema {schema}).")
    items = document.get("drafts")
    if not isinstance(items, list):
        raise ExchangeFileError(f"{path} has no list of drafts.")
    entries: list[ExchangeEntry] = []
    for i, item in enumerate(items):
        try:
            entries.append(bound_to_profiles(ExchangeEntry.from_json(item), profiles or {}))
        except ValueError as exc:
            raise ExchangeFileError(f"{path}: draft {i + 1} cannot be read ({exc}).") from None
    return entries


def profile_urls(paths: AppPaths) -> dict[str, str]:
    """Each saved server profile's name and URL: what an import may keep as a target."""
    from mmoauth_gui.storage.profiles import ProfileStore

    return {p.name: p.url for p in ProfileStore(paths).load()}
