"""Keeps the window's preview in step with the server: the offline copy at start, Sync (with progress and
Cancel), the connections list after a save or delete, and the commands a change would affect.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.preview.impact import Impact
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.services.mattermost.errors import MattermostError, PermissionDenied
from mmoauth_gui.services.preview_fetch import sync
from mmoauth_gui.services.session import Session
from mmoauth_gui.ui.preview.state import PreviewData, PreviewState
from mmoauth_gui.ui.preview.what_if import diff_for
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.signin import ConnectStatus
from mmoauth_gui.ui.runtime.tasks import alive

log = logging.getLogger(__name__)

AFFECTED_TIMEOUT = 20.0  # seconds a confirmation waits for a first sync before going on without the list


class PreviewUnavailable(Exception):
    """No preview to answer from; ``user_message`` says what to do."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class PreviewSync(QObject):
    progress = Signal(object)  # SyncProgress
    running_changed = Signal(bool)
    finished = Signal(str)  # "" when it worked, else what went wrong (also in ``error``)

    def __init__(self, ctx: Any, state: PreviewState, *, auto_sync: bool = True) -> None:
        super().__init__(state)
        self.ctx = ctx
        self.state = state
        self.auto_sync = auto_sync
        self.server_check = True
        self.error = ""
        self._syncing = False
        self._task: asyncio.Task[Any] | None = None
        self._refresh_after = False
        self._generation = 0
        ctx.session_changed.connect(self._session_changed)
        ctx.connect_state_changed.connect(self._session_changed)
        ctx.connections_changed.connect(self._connections_changed)
        self._session_changed()

    @property
    def running(self) -> bool:
        return self._syncing

    # -- which server ------------------------------------------------------------------------------

    def _session_changed(self) -> None:
        session: Session | None = self.ctx.session
        if session is not None:
            self._use_server(session.client.base_url, session)
            return
        name = self.ctx.connect_state.profile_name
        if name and self.ctx.connect_state.status in (ConnectStatus.CONNECTING, ConnectStatus.FAILED):
            self._generation += 1
            self.ctx.tasks.start(self._offline_server(name, self._generation), owner=self, name="preview server")
        elif not name:
            self.cancel()
            self.state.set_server("")

    async def _offline_server(self, profile_name: str, generation: int) -> None:
        """Not signed in (yet): show the offline copy of the profile's server."""
        profiles = self.ctx.profiles
        profile = await asyncio.to_thread(profiles.get, profile_name) if profiles is not None else None
        if profile is None or generation != self._generation or self.ctx.session is not None:
            return
        self._use_server(canonical_server_url(profile.url), None)

    def _use_server(self, url: str, session: Session | None) -> None:
        self._generation += 1
        if self.state.set_server(url):
            self.cancel()
            self.error = ""
            if url:
                self.ctx.tasks.start(self._load_cache(url), owner=self, name="load preview cache")
        elif session is not None and not self.state.loading:
            self._first_sync()

    async def _load_cache(self, url: str) -> None:
        await self.state.load_cached(url)
        current = self.ctx.session
        if current is not None and current.client.base_url == url:
            self._first_sync()

    def _first_sync(self) -> None:
        """Sync on its own only when there is nothing to show (no offline copy either)."""
        if self.auto_sync and self.state.data is None and not self.running and not self.error:
            self.sync()

    # -- sync ------------------------------------------------------------------------------------

    def sync(self) -> asyncio.Task[Any] | None:
        session = self.ctx.session
        if session is None or self.running:
            return self._task if self.running else None
        self.error = ""
        self._syncing = True
        self._task = self.ctx.tasks.start(
            self._sync(session, self.server_check), owner=self, on_error=self._failed, name="sync preview"
        )
        self._task.add_done_callback(self._sync_done)
        self.running_changed.emit(True)
        return self._task

    def _report(self, progress: Any) -> None:
        if alive(self):
            self.progress.emit(progress)

    async def _sync(self, session: Session, server_check: bool) -> None:
        try:
            result = await sync(session.client, server_check=server_check, progress=self._report)
            if self.ctx.session is not session:
                return
            if result.unavailable:
                self.error = result.unavailable
                self.finished.emit(self.error)
                return
            await self.state.store(result)
            self.finished.emit("")
        except asyncio.CancelledError:
            self.ctx.status_message.emit("Sync cancelled: the preview shown is the previous one.")
            raise
        finally:
            self._syncing = False
            if alive(self):  # the page may be gone (window closed) while the sync was being cancelled
                self.running_changed.emit(False)
        if self._refresh_after:
            self._refresh_after = False
            self._connections_changed()

    def _sync_done(self, task: asyncio.Task[Any]) -> None:
        if self._syncing and task is self._task:  # cancelled before it started: _sync never ran
            self._syncing = False
            self.ctx.status_message.emit("Sync cancelled: the preview shown is the previous one.")
            self.running_changed.emit(False)

    def _failed(self, exc: BaseException) -> None:
        self.error = user_text(exc)
        log.warning("preview sync failed: %s", type(exc).__name__)
        self.finished.emit(self.error)

    def cancel(self) -> None:
        if self.running and self._task is not None:
            self._task.cancel()

    # -- after a save or delete --------------------------------------------------------------------

    def _connections_changed(self) -> None:
        session = self.ctx.session
        if session is None:
            return
        if self.running:
            self._refresh_after = True
            return
        if self.state.data is not None:
            self.ctx.tasks.start(self._refresh_connections(session), owner=self, name="refresh preview connections")

    async def _refresh_connections(self, session: Session) -> None:
        try:
            try:
                connections = await session.client.list_connections()
            except PermissionDenied:
                connections = await session.client.list_connections(session.team_id)
        except MattermostError as exc:
            log.info("preview: connections not refreshed (%s)", type(exc).__name__)
            return
        if self.ctx.session is session:
            await self.state.update_connections(connections)

    # -- for confirmations -------------------------------------------------------------------------

    async def ensure_data(self, wait: float = AFFECTED_TIMEOUT) -> PreviewData:
        """The preview, syncing first when there is none yet (the page shows the progress)."""
        if self.state.data is not None:
            return self.state.data
        if self.ctx.session is None:
            raise PreviewUnavailable("Connect to the server and Sync on the Slash commands tab to list them.")
        task = self.sync()
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), wait)
            except TimeoutError:
                raise PreviewUnavailable(
                    "The slash commands are still being read (see the Slash commands tab); try again when it is done."
                ) from None
            except asyncio.CancelledError:
                me = asyncio.current_task()
                if task.cancelled() and not (me is not None and me.cancelling()):
                    raise PreviewUnavailable(
                        "The sync was cancelled: Sync on the Slash commands tab to list them."
                    ) from None
                raise
        if self.state.data is None:
            raise PreviewUnavailable(self.error or "Sync on the Slash commands tab to list them.")
        return self.state.data

    async def affected_commands(self, before: Connection, after: Connection | None) -> Impact:
        """``ctx.affected_commands_provider``: what the change would do to the commands and webhook callbacks."""
        data = await self.ensure_data()
        diff, _note = diff_for(data.preview, before, after)
        return Impact.from_diff(diff, data.team_label)
