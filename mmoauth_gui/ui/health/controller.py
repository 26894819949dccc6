"""The Health page's actions: run the preflight on the signed-in server, read its log by increments, and
give the connections list its failure badge. Network work runs as tasks (``ctx.tasks``); the view never waits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from mmoauth_gui.core.diagnosis.checks import Check, CheckStatus
from mmoauth_gui.core.diagnosis.server_log import FailureFeed, badge_text, token_failures_since
from mmoauth_gui.services.diagnosis.failures import refresh
from mmoauth_gui.services.diagnosis.preflight import Preflight, run_preflight
from mmoauth_gui.services.mattermost.errors import MattermostError, PermissionDenied
from mmoauth_gui.services.session import Session
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.health.view import HealthView
from mmoauth_gui.ui.runtime.tasks import is_running

BADGE_WINDOW = timedelta(hours=1)
AUTO_REFRESH_MS = 60_000
LOGS_NEED_ADMIN = Check(
    "access.logs",
    CheckStatus.UNKNOWN,
    "GET /api/v4/logs",
    "The server log could not be read: it needs a system admin (get_logs).",
    "Sign in as a system admin to see the server's own failures.",
)


class FailureBadges(Protocol):
    def set_failure_badges(self, badges: dict[str, str]) -> None: ...


class HealthController(QObject):
    def __init__(self, ctx: AppContext, view: HealthView, badges: FailureBadges | None = None) -> None:
        super().__init__(view)
        self.ctx = ctx
        self.view = view
        self.badges = badges
        self.preflight: Preflight | None = None
        self._feeds: dict[str, FailureFeed] = {}  # by server URL: each server's log read once, then by increments
        self._logs_readable = False
        self._log_task: asyncio.Task[None] | None = None  # one log read at a time: the feed is not shared
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        view.run_button.clicked.connect(self.run)
        view.refresh_button.clicked.connect(self.refresh_failures)
        ctx.session_changed.connect(self._session_changed)

    def _session_changed(self) -> None:
        session = self.ctx.session
        current = self.preflight is not None
        if current and (session is None or self._url(session) not in self._feeds):
            self.preflight = None
            self._logs_readable = False
            self.view.checks_model.set_checks([])
            self.view.failures_model.set_failures([], {})
            self.view.refresh_button.setEnabled(False)
            self.view.status.setText("Not checked yet: Run checks.")
            if self.badges is not None:
                self.badges.set_failure_badges({})

    @staticmethod
    def _url(session: Session) -> str:
        return session.client.base_url

    def run(self) -> None:
        session = self.ctx.session
        if is_running(self._log_task):
            return
        if session is None:
            self.view.status.setText("Sign in to a server first (the server bar above), then Run checks.")
            return
        self.view.status.setText(f"Checking {self._url(session)}…")
        self._log_task = self.ctx.tasks.start(
            self._run(session), owner=self.view, button=self.view.run_button, on_error=self._failed, name="health"
        )

    async def _run(self, session: Session) -> None:
        preflight = await run_preflight(session.client)
        if self.ctx.session is not session:
            return
        self.preflight = preflight
        feed = self._feeds.setdefault(self._url(session), FailureFeed())
        await self._read_log(session, feed)
        self._show()

    async def _read_log(self, session: Session, feed: FailureFeed) -> None:
        assert self.preflight is not None
        try:
            await refresh(session.client, feed, self.preflight.attribution)
            self._logs_readable = True
        except PermissionDenied:
            self._logs_readable = False
            if LOGS_NEED_ADMIN not in self.preflight.checks:
                self.preflight.checks.append(LOGS_NEED_ADMIN)

    def _tick(self) -> None:
        """The minute's refresh, only while the page is on screen (no log reads for a hidden tab)."""
        if self.view.isVisible():
            self.refresh_failures()
        else:
            self.timer.stop()

    def refresh_failures(self) -> None:
        session = self.ctx.session
        if session is None or self.preflight is None or not self._logs_readable or is_running(self._log_task):
            return
        feed = self._feeds.setdefault(self._url(session), FailureFeed())

        async def again() -> None:
            await self._read_log(session, feed)
            if self.ctx.session is session:
                self._show()

        self._log_task = self.ctx.tasks.start(
            again(), owner=self.view, button=self.view.refresh_button, on_error=self._failed, name="server log"
        )

    def _show(self) -> None:
        session = self.ctx.session
        if self.preflight is None or session is None:
            return
        checks = self.preflight.checks
        self.view.checks_model.set_checks(checks)
        feed = self._feeds.get(self._url(session))
        failures = feed.failures if feed is not None else []
        names = {c.id: c.name for c in self.preflight.connections} | self.preflight.webhook_names
        self.view.failures_model.set_failures(failures, names)
        counts = {s: sum(c.status is s for c in checks) for s in CheckStatus}
        log_note = (
            f"{len(failures)} failure{'s' if len(failures) != 1 else ''} in the server log"
            if self._logs_readable
            else "the server log needs a system admin"
        )
        self.view.status.setText(
            f"{self._url(session)}: {counts[CheckStatus.FAIL]} failures, {counts[CheckStatus.WARN]} warnings, "
            f"{counts[CheckStatus.UNKNOWN]} unknown, {counts[CheckStatus.OK]} OK; {log_note}. Hosts were resolved "
            "from this computer: the server's view may differ."
        )
        self.view.refresh_button.setEnabled(self._logs_readable)
        if self.badges is not None:
            recent = token_failures_since(failures, datetime.now(UTC), BADGE_WINDOW)
            self.badges.set_failure_badges({cid: badge_text(n, BADGE_WINDOW) for cid, n in recent.items()})

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, MattermostError):
            self.view.status.setText(f"The checks stopped: {exc.user_message}")
            return
        raise exc

    def shown(self) -> None:
        if self._logs_readable:
            self.refresh_failures()
        self.timer.start()

    def close(self) -> None:
        self.timer.stop()
        self.ctx.tasks.cancel_owner(self.view)
