"""Which server the window talks to: profile choice, sign-in, team choice, the demo sandbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QWidget

from mmoauth_gui.services.mattermost.errors import MattermostError, MfaRequired, NotAuthenticated
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.signin import ConnectState, ConnectStatus
from mmoauth_gui.ui.runtime.tasks import is_running
from mmoauth_gui.ui.servers.bar import ServerBar

log = logging.getLogger(__name__)

DEMO_PROFILE = "Demo sandbox"
DEMO_KEY = "\x00demo"
PASSWORD_SESSION_ENDED = (
    "The session of your password sign-in has ended (sessions expire, and one kept for a single run ends with "
    "it): open Servers… and sign in again with your password."
)
LAST_PROFILE_KEY = "session/last_profile"


class ServerController(QObject):
    profiles_requested = Signal(str)  # open the profiles dialog on this profile ("" = add)

    def __init__(self, ctx: AppContext, bar: ServerBar, settings: QSettings, window: QWidget) -> None:
        super().__init__(bar)
        self.ctx = ctx
        self.bar = bar
        self.settings = settings
        self.window = window
        self._profiles: list[Profile] = []
        self._filling = False
        self._connect_task: asyncio.Task[Any] | None = None
        bar.server_combo.activated.connect(self._server_chosen)
        bar.team_combo.activated.connect(self._team_chosen)
        bar.manage_button.clicked.connect(lambda: self.profiles_requested.emit(self.current_profile_name()))
        bar.demo_button.clicked.connect(self.start_demo)
        bar.reconnect_button.clicked.connect(self.reconnect)
        ctx.session_changed.connect(self._show_session)
        ctx.connect_state_changed.connect(self._show_session)
        ctx.profiles_changed.connect(self.reload_profiles)
        self._fill_servers()
        self._show_session()

    # -- start-up --------------------------------------------------------------------------------

    def start(self, *, demo: bool = False) -> asyncio.Task[Any]:
        return self._connecting(self._start(demo), "start")

    def _connecting(self, coro: Coroutine[Any, Any, None], name: str, button: Any = None) -> asyncio.Task[Any]:
        """Run a sign-in; a newer one cancels the one still running."""
        if is_running(self._connect_task):
            self._connect_task.cancel()
        self._connect_task = self.ctx.tasks.start(coro, owner=self, button=button, name=name, on_error=self._failed)
        return self._connect_task

    async def _start(self, demo: bool) -> None:
        self._profiles = await asyncio.to_thread(self.ctx.profiles.load)
        self._fill_servers()
        if demo:
            await self._start_demo()
            return
        last = str(self.settings.value(LAST_PROFILE_KEY, "") or "")
        profile = next((p for p in self._profiles if p.name == last), None) or (
            self._profiles[0] if self._profiles else None
        )
        if profile is not None:
            await self._connect(profile)
        else:
            self.ctx.set_connect_state(ConnectState(ConnectStatus.IDLE))

    def reload_profiles(self) -> None:
        self.ctx.tasks.start(self._reload(), owner=self, name="reload profiles")

    async def _reload(self) -> None:
        self._profiles = await asyncio.to_thread(self.ctx.profiles.load)
        self._fill_servers()
        session = self.ctx.session
        if session is not None and not session.demo and session.profile.name not in {p.name for p in self._profiles}:
            self.ctx.set_session(None)
            self.ctx.set_connect_state(ConnectState(ConnectStatus.IDLE))

    # -- connecting ------------------------------------------------------------------------------

    def current_profile_name(self) -> str:
        session = self.ctx.session
        if session is not None and not session.demo:
            return session.profile.name
        return self.ctx.connect_state.profile_name if self.ctx.connect_state.profile_name != DEMO_PROFILE else ""

    def connect_profile(self, name: str) -> asyncio.Task[Any] | None:
        profile = next((p for p in self._profiles if p.name == name), None)
        if profile is None:
            return None
        return self._connecting(self._connect(profile), f"connect {name}")

    def reconnect(self) -> None:
        name = self.ctx.connect_state.profile_name
        if name == DEMO_PROFILE or (self.ctx.session is not None and self.ctx.session.demo):
            self.start_demo()
        elif name:
            self.connect_profile(name)

    async def _connect(self, profile: Profile, token: str | None = None) -> None:
        self.ctx.set_session(None)
        self.ctx.set_connect_state(
            ConnectState(ConnectStatus.CONNECTING, profile.name, f"Connecting to {profile.url}…")
        )
        try:
            await self.ctx.connect_to(profile, token)
        except MattermostError as exc:
            message = exc.user_message
            if isinstance(exc, NotAuthenticated) and not isinstance(exc, MfaRequired) and profile.auth == "password":
                message = f"{exc.headline} {PASSWORD_SESSION_ENDED}"
            self.ctx.set_connect_state(ConnectState(ConnectStatus.FAILED, profile.name, message, exc))
            return
        self.settings.setValue(LAST_PROFILE_KEY, profile.name)
        self.ctx.set_connect_state(ConnectState(ConnectStatus.CONNECTED, profile.name))

    def use_profile(self, profile: Profile, token: str | None = None) -> asyncio.Task[Any]:
        """Connect to a just-saved profile; ``token`` when just typed or obtained (no keyring round trip)."""
        return self._connecting(self._connect(profile, token), f"connect {profile.name}")

    def start_demo(self) -> asyncio.Task[Any]:
        return self._connecting(self._start_demo(), "demo", self.bar.demo_button)

    async def _start_demo(self) -> None:
        self.ctx.set_session(None)
        self.ctx.set_connect_state(ConnectState(ConnectStatus.CONNECTING, DEMO_PROFILE, "Starting the demo sandbox…"))
        sandbox = self.ctx.demo_sandbox
        if sandbox is None:
            from mmoauth_gui.sandbox import Sandbox

            sandbox = await asyncio.to_thread(lambda: Sandbox(seed="demo").start())
            self.ctx.demo_sandbox = sandbox
        profile = Profile(name=DEMO_PROFILE, url=sandbox.url)
        try:
            await self.ctx.connect_to(profile, sandbox.admin_token, demo=True)
        except MattermostError as exc:
            self.ctx.set_connect_state(ConnectState(ConnectStatus.FAILED, DEMO_PROFILE, exc.user_message, exc))
            return
        self.ctx.set_connect_state(ConnectState(ConnectStatus.CONNECTED, DEMO_PROFILE))
        self._fill_servers()

    def _failed(self, exc: BaseException) -> None:
        log.error("connecting failed", exc_info=exc)
        self.ctx.set_connect_state(
            ConnectState(ConnectStatus.FAILED, self.ctx.connect_state.profile_name, user_text(exc), exc)
        )

    # -- the bar ---------------------------------------------------------------------------------

    def _server_chosen(self, index: int) -> None:
        if self._filling:
            return
        key = self.bar.server_combo.itemData(index)
        if key == DEMO_KEY:
            if not (self.ctx.session and self.ctx.session.demo):
                self.start_demo()
        elif key:
            session = self.ctx.session
            if session is None or session.demo or session.profile.name != key:
                self.connect_profile(str(key))

    def _team_chosen(self, index: int) -> None:
        session = self.ctx.session
        if self._filling or session is None:
            return
        team_id = self.bar.team_combo.itemData(index)
        team = next((t for t in session.teams if t.id == team_id), None)
        self.ctx.set_team(team)

    def _fill_servers(self) -> None:
        combo = self.bar.server_combo
        self._filling = True
        combo.clear()
        for profile in self._profiles:
            combo.addItem(profile.name, profile.name)
            combo.setItemData(combo.count() - 1, profile.url, Qt.ItemDataRole.ToolTipRole)
        if self.ctx.demo_sandbox is not None:
            combo.addItem(DEMO_PROFILE, DEMO_KEY)
        if combo.count() == 0:
            combo.addItem("No server yet", "")
        self._filling = False
        self._select_current()

    def _select_current(self) -> None:
        combo = self.bar.server_combo
        session = self.ctx.session
        state = self.ctx.connect_state
        if session is not None:
            key = DEMO_KEY if session.demo else session.profile.name
        elif state.profile_name:
            key = DEMO_KEY if state.profile_name == DEMO_PROFILE else state.profile_name
        else:
            key = ""
        index = combo.findData(key)
        self._filling = True
        if index >= 0:
            combo.setCurrentIndex(index)
        self._filling = False

    def _show_session(self) -> None:
        session = self.ctx.session
        bar = self.bar
        if self.ctx.demo_sandbox is not None and bar.server_combo.findData(DEMO_KEY) < 0:
            self._fill_servers()
        self._select_current()
        self._filling = True
        bar.team_combo.clear()
        if session is not None:
            for team in session.teams:
                bar.team_combo.addItem(team.label, team.id)
            if session.team is not None:
                bar.team_combo.setCurrentIndex(bar.team_combo.findData(session.team.id))
        if bar.team_combo.count() == 0:
            bar.team_combo.addItem("No team", "")
        self._filling = False
        bar.team_combo.setEnabled(session is not None and len(session.teams) > 1)
        state = self.ctx.connect_state
        # signing in again needs a token or a password: Reconnect would only be refused again
        bar.reconnect_button.setVisible(
            state.status == ConnectStatus.FAILED and not isinstance(state.error, NotAuthenticated)
        )
        bar.demo_button.setVisible(not (session is not None and session.demo))
