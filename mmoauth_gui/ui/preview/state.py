"""The slash-command preview the window shares: the last sync of the current server, whether it is fresh
or the offline copy, and what the page, the connections list and the what-if panels derive from it.

Building a preview of many commands takes longer than a frame, so :func:`build_data` runs in a thread and
the finished, immutable :class:`PreviewData` is handed to the GUI thread in one step.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Signal

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.preview.build import Preview, PreviewRow
from mmoauth_gui.core.preview.report import PreviewWarning, preview_warnings
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.preview_cache import PreviewCache

SYNCED = "synced"  # fetched from the server during this session
CACHED = "cached"  # read from the offline copy on disk


@dataclass(frozen=True)
class PreviewData:
    """One sync and everything derived from it (computed once, off the GUI thread)."""

    result: SyncResult
    preview: Preview
    rows: tuple[PreviewRow, ...]
    warnings: tuple[PreviewWarning, ...]
    usage: dict[str, int]
    origin: str = SYNCED
    team_labels: dict[str, str] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        return self.origin == CACHED

    def age_line(self) -> str:
        """ "Synced 5 minutes ago — saved copy" (read from disk, connected or not) / "Synced just now"."""
        age = self.result.age_text()
        text = "Synced just now" if age == "just now" else f"Synced {age}"
        return f"{text} — saved copy" if self.offline else text

    def team_label(self, team_id: str) -> str:
        label = self.team_labels.get(team_id)
        return label if label is not None else self.result.team_label(team_id)


def build_data(result: SyncResult, origin: str = SYNCED) -> PreviewData:
    preview = result.preview()
    rows = tuple(preview.rows())
    labels = {t.id: t.label for t in result.teams}
    warnings = tuple(preview_warnings(preview))
    return PreviewData(result, preview, rows, warnings, preview.usage_counts(), origin, labels)


def with_connections(data: PreviewData, connections: list[Connection]) -> PreviewData:
    """``data`` with the server's current connections. The server's answers for the URLs whose matches
    change, or that named a connection deleted or re-audienced, are dropped (they described the old list)."""
    current = {c.id: c for c in connections if c.id}
    changes: dict[str, Connection | None] = {k: None for k in data.preview.connections if k not in current}
    changes.update({k: c for k, c in current.items() if data.preview.connections.get(k) != c})
    if not changes:
        return data
    answers = data.preview.apply(changes).server_answers
    result = replace(data.result, connections=tuple(connections), server_answers=answers)
    return build_data(result, data.origin)


class PreviewState(QObject):
    """The current server's preview (``data``; None before any sync or cache), and why a cache was unreadable."""

    changed = Signal()

    def __init__(self, paths: AppPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = PreviewCache(paths)
        self.server_url = ""
        self.data: PreviewData | None = None
        self.problem = ""
        self.loading = False  # reading the offline copy

    @property
    def preview(self) -> Preview | None:
        return self.data.preview if self.data is not None else None

    def set_server(self, server_url: str) -> bool:
        """Forget the preview when the server changes; True when it did."""
        if server_url == self.server_url:
            return False
        self.server_url = server_url
        self.data = None
        self.problem = ""
        self.changed.emit()
        return True

    def set_data(self, data: PreviewData | None, problem: str = "") -> None:
        self.data = data
        self.problem = problem
        self.changed.emit()

    async def load_cached(self, server_url: str) -> bool:
        """Show the offline copy for ``server_url``, if there is one; False when the server changed meanwhile."""
        self.loading = True
        try:
            loaded = await asyncio.to_thread(self.cache.load, server_url)
            data = await asyncio.to_thread(build_data, loaded.result, CACHED) if loaded.result is not None else None
        finally:
            self.loading = False
        if server_url != self.server_url:
            return False
        if self.data is None or data is not None:
            self.set_data(data, loaded.problem)
        return True

    async def store(self, result: SyncResult) -> PreviewData:
        """A fresh sync: build it, save the offline copy, show it."""
        data = await asyncio.to_thread(build_data, result, SYNCED)
        await asyncio.to_thread(self.cache.save, result)
        if result.server_url == self.server_url:
            self.set_data(data)
        return data

    async def update_connections(self, connections: list[Connection]) -> None:
        """The connections changed on the server (saved or deleted here): keep the commands, swap the list."""
        data = self.data
        if data is None:
            return
        updated = await asyncio.to_thread(with_connections, data, connections)
        if updated is data or self.data is not data:
            return
        await asyncio.to_thread(self.cache.save, updated.result)
        self.set_data(updated)
