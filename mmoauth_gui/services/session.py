"""A signed-in server: who, which version, which team, and whether outgoing OAuth connections work there."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import httpx

from mmoauth_gui.core.model import Team
from mmoauth_gui.core.status import Look
from mmoauth_gui.services.mattermost.client import MattermostClient, ServerInfo, User
from mmoauth_gui.services.mattermost.errors import (
    FeatureDisabled,
    FeatureFlagOff,
    LicenseRequired,
    MattermostError,
    NotAuthenticated,
    PermissionDenied,
    ServerTooOld,
    Unreachable,
)
from mmoauth_gui.storage.profiles import Profile

MIN_VERSION = (9, 6)


class FeatureStatus(StrEnum):
    AVAILABLE = "available"
    DISABLED = "disabled"
    UNLICENSED = "unlicensed"
    FORBIDDEN = "forbidden"
    TOO_OLD = "too_old"
    SIGNED_OUT = "signed_out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FeatureState:
    """Whether outgoing OAuth connections can be used on the server by this account."""

    status: FeatureStatus
    label: str
    user_message: str = ""
    can_manage: bool | None = None  # create / edit / delete / validate (system permission)

    @property
    def available(self) -> bool:
        return self.status == FeatureStatus.AVAILABLE

    @property
    def allows_adding(self) -> bool:
        """Whether adding a connection may work: available, or not known yet (the server then answers itself)."""
        return self.status in (FeatureStatus.AVAILABLE, FeatureStatus.UNKNOWN) and self.can_manage is not False

    @property
    def kind(self) -> Look:
        """The status colour: valid, refused or unreachable/unchecked."""
        if self.status == FeatureStatus.AVAILABLE:
            return Look.VALID if self.can_manage is not False else Look.WARNING
        if self.status == FeatureStatus.UNKNOWN:
            return Look.UNCHECKED
        return Look.REFUSED


UNKNOWN = FeatureState(FeatureStatus.UNKNOWN, "Not checked")


def feature_from_error(exc: MattermostError) -> FeatureState:
    """The feature state a failed list call reveals (docs/MATTERMOST.md §1: 403 comes before the 501 gate)."""
    if isinstance(exc, FeatureFlagOff):
        return FeatureState(FeatureStatus.DISABLED, "Off (feature flag)", exc.user_message)
    if isinstance(exc, FeatureDisabled):
        return FeatureState(FeatureStatus.DISABLED, "Turned off on the server", exc.user_message)
    if isinstance(exc, LicenseRequired):
        return FeatureState(FeatureStatus.UNLICENSED, "Needs an Enterprise licence", exc.user_message)
    if isinstance(exc, PermissionDenied):
        return FeatureState(FeatureStatus.FORBIDDEN, "No permission", exc.user_message, can_manage=False)
    if isinstance(exc, ServerTooOld):
        return FeatureState(FeatureStatus.TOO_OLD, "Not supported (server older than 9.6)", exc.user_message)
    if isinstance(exc, NotAuthenticated):
        return FeatureState(FeatureStatus.SIGNED_OUT, "Signed out", exc.user_message)
    if isinstance(exc, Unreachable):
        return server_not_reached(exc.user_message)
    return FeatureState(FeatureStatus.UNKNOWN, "Could not check", exc.user_message)


NOT_REACHED_LABEL = "Server not reached"


def server_not_reached(message: str) -> FeatureState:
    return FeatureState(FeatureStatus.UNKNOWN, NOT_REACHED_LABEL, message)


def feature_available(user: User) -> FeatureState:
    if user.is_system_admin:
        return FeatureState(
            FeatureStatus.AVAILABLE, "Available", "You can list, add, edit, delete and validate connections.", True
        )
    return FeatureState(
        FeatureStatus.AVAILABLE,
        "Available (read only)",
        "This account can list connections (through a team permission) but adding, editing, deleting and "
        "validating need the system permission manage_outgoing_oauth_connections, which system admins have.",
        None,
    )


@dataclass(frozen=True)
class Session:
    profile: Profile
    client: MattermostClient
    server: ServerInfo
    user: User
    teams: tuple[Team, ...] = ()
    team: Team | None = None
    feature: FeatureState = UNKNOWN
    demo: bool = False
    connection_count: int | None = field(default=None, compare=False)

    @property
    def team_id(self) -> str | None:
        return self.team.id if self.team else None

    @property
    def version(self) -> str:
        return self.server.version or "unknown"

    def with_team(self, team: Team | None) -> Session:
        return replace(self, team=team)

    def with_feature(self, feature: FeatureState) -> Session:
        return replace(self, feature=feature)


def pick_team(teams: list[Team] | tuple[Team, ...], wanted_id: str = "", wanted_name: str = "") -> Team | None:
    for team in teams:
        if wanted_id and team.id == wanted_id:
            return team
    for team in teams:
        if wanted_name and wanted_name in (team.name, team.display_name):
            return team
    return teams[0] if teams else None


async def probe_feature(client: MattermostClient, user: User, team_id: str | None) -> tuple[FeatureState, int | None]:
    """List the connections once: the feature state this account sees, and how many there are."""
    try:
        connections = await client.list_connections(team_id)
    except (FeatureDisabled, LicenseRequired, PermissionDenied, ServerTooOld, NotAuthenticated) as exc:
        return feature_from_error(exc), None
    return feature_available(user), len(connections)


async def open_session(
    http: httpx.AsyncClient, profile: Profile, token: str, *, demo: bool = False, probe: bool = True
) -> Session:
    """Reach the server, check the token, read the teams and probe the feature. Raises MattermostError.

    An ``http://`` profile beyond loopback is probed without the token first: a redirect to https is taken.
    """
    client = MattermostClient(await MattermostClient.secure_base_url(profile.url, http), token, http)
    server = await client.ping()
    user = await client.me()
    teams = tuple(await client.my_teams())
    team = pick_team(teams, profile.team_id, profile.team_name)
    session = Session(profile=profile, client=client, server=server, user=user, teams=teams, team=team, demo=demo)
    if probe:
        feature, count = await probe_feature(client, user, session.team_id)
        session = replace(session, feature=feature, connection_count=count)
    return session


def version_note(server: ServerInfo) -> str:
    """A warning when the version is known and older than 9.6, else ""."""
    version = server.version_tuple
    if version and version[:2] < MIN_VERSION:
        return (
            f"Mattermost {server.version} is older than 9.6: outgoing OAuth connections do not exist there. "
            "Upgrade the server."
        )
    return ""
