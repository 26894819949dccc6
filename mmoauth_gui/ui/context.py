"""What every view of a window shares: the HTTP client, the stores, the session, the task registry.

See the ``mmoauth_gui.ui`` package docstring for how pages use it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx
from PySide6.QtCore import QObject, Signal

from mmoauth_gui.core.model import Team
from mmoauth_gui.core.preview.impact import ImpactProvider
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.errors import MattermostError, NotAuthenticated
from mmoauth_gui.services.session import FeatureState, FeatureStatus, Session, feature_from_error, open_session
from mmoauth_gui.storage.expectations import ExpectationStore
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.profiles import Profile, ProfileStore
from mmoauth_gui.storage.secrets import SecretKind, SecretStore
from mmoauth_gui.storage.validations import ValidationStore
from mmoauth_gui.ui.runtime.signin import ConnectState, ConnectStatus
from mmoauth_gui.ui.runtime.tasks import Tasks

if TYPE_CHECKING:
    from mmoauth_gui.sandbox import Sandbox
    from mmoauth_gui.ui.preview.state import PreviewState
    from mmoauth_gui.ui.runtime.errors import ErrorReporter

log = logging.getLogger(__name__)


class AppContext(QObject):
    session_changed = Signal()
    connect_state_changed = Signal()
    connections_changed = Signal()
    profiles_changed = Signal()
    status_message = Signal(str)

    def __init__(
        self,
        paths: AppPaths,
        http: httpx.AsyncClient,
        *,
        secrets: SecretStore | None = None,
        profiles: ProfileStore | None = None,
        validations: ValidationStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.http = http
        self.secrets = secrets if secrets is not None else SecretStore()
        self.profiles = profiles if profiles is not None else ProfileStore(paths, self.secrets)
        self.validations = validations if validations is not None else ValidationStore(paths)
        self.expectations = ExpectationStore(paths)  # what each integration expects of its token
        self.tasks = Tasks(self)
        self.tasks.auth_lost.connect(self.sign_in_lost)
        self.session: Session | None = None
        self.connect_state = ConnectState()
        self.affected_commands_provider: ImpactProvider | None = None
        self._ca_clients: dict[str, httpx.AsyncClient] = {}
        self.demo_sandbox: Sandbox | None = None  # the in-process sandbox of --demo / "Try the demo sandbox"
        self.error_reporter: ErrorReporter | None = None  # when the app installed one
        self.preview_state: PreviewState | None = None  # set by the Slash commands page

    def http_for(self, ca_file: str = "") -> httpx.AsyncClient:
        """The app's client, or (for a profile with its own CA file) one client per CA file, kept for the app."""
        if not ca_file:
            return self.http
        client = self._ca_clients.get(ca_file)
        if client is None:
            client = self._ca_clients[ca_file] = make_http_client(ca_file=ca_file)
        return client

    def http_for_profile(self, profile: Profile) -> httpx.AsyncClient:
        """``http_for(profile.ca_file)``, with an unreadable CA file reported as a MattermostError."""
        try:
            return self.http_for(profile.ca_file)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise MattermostError(
                f"the CA file {profile.ca_file} could not be used ({type(exc).__name__}: {exc})",
                operation=f"connect to {profile.name}",
                advice="Choose a PEM file holding the CA certificate in Servers…, or clear the CA file field.",
            ) from None

    # -- session ---------------------------------------------------------------------------------

    async def server_token(self, profile_name: str) -> str | None:
        return await asyncio.to_thread(self.secrets.get, SecretKind.SERVER_TOKEN, profile_name)

    async def store_server_token(self, profile_name: str, token: str) -> bool:
        """True when the token went to the OS keyring, False when kept for this session only."""
        return await asyncio.to_thread(self.secrets.set, SecretKind.SERVER_TOKEN, profile_name, token)

    async def connect_to(self, profile: Profile, token: str | None = None, *, demo: bool = False) -> Session:
        """Open a session on ``profile`` (token from the secret store unless given) and make it current."""
        if token is None:
            token = await self.server_token(profile.name)
        if not token:
            raise NotAuthenticated(
                f"no token is stored for server profile “{profile.name}”",
                operation=f"connect to {profile.name}",
                advice="Open Servers… and enter a personal access token, or sign in with a password.",
            )
        session = await open_session(self.http_for_profile(profile), profile, token, demo=demo)
        self.set_session(session)
        return session

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.session_changed.emit()

    def set_connect_state(self, state: ConnectState) -> None:
        self.connect_state = state
        self.connect_state_changed.emit()

    def set_team(self, team: Team | None) -> None:
        if self.session is None or self.session.team == team:
            return
        self.session = self.session.with_team(team)
        if not self.session.demo and team is not None:
            profile = self.session.profile.with_changes(team_id=team.id, team_name=team.name)
            self.session = replace(self.session, profile=profile)
            self.tasks.start(asyncio.to_thread(self.profiles.save, profile), owner=self, name="remember team")
        self.session_changed.emit()

    def set_feature(self, feature: FeatureState) -> None:
        """Record what a server call revealed about the feature (a list that answered 501, say)."""
        if self.session is None or self.session.feature == feature:
            return
        self.session = self.session.with_feature(feature)
        self.session_changed.emit()
        if feature.status == FeatureStatus.SIGNED_OUT:  # the window stops looking signed in and offers Reconnect
            self.set_connect_state(ConnectState(ConnectStatus.FAILED, self.session.profile.name, feature.user_message))

    def sign_in_lost(self, exc: MattermostError) -> None:
        self.set_feature(feature_from_error(exc))

    @property
    def team_id(self) -> str | None:
        return self.session.team_id if self.session else None

    # -- shutdown --------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Cancel every task, close the HTTP client, stop a demo sandbox."""
        self.tasks.cancel_all()
        await self.tasks.wait_idle()
        await self.http.aclose()
        for client in self._ca_clients.values():
            await client.aclose()
        self._ca_clients.clear()
        if self.demo_sandbox is not None:
            sandbox, self.demo_sandbox = self.demo_sandbox, None
            await asyncio.to_thread(sandbox.stop)
