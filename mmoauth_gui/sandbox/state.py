"""The sandbox server's data (users, teams, commands, connections, sessions) and who may do what.

Every method takes the one lock, so tests and benchmarks may change the state while requests run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Literal

from mmoauth_gui.core.model import Connection, GrantType
from mmoauth_gui.sandbox.errors import ErrorMode
from mmoauth_gui.sandbox.ids import new_id, new_token, now_ms
from mmoauth_gui.sandbox.integrations.store import IntegrationStore
from mmoauth_gui.sandbox.permissions import TeamRole, role_permits
from mmoauth_gui.sandbox.records import SlashCommand, Team, User
from mmoauth_gui.sandbox.server_model import DEFAULT_AUDIENCE_RULE, AudienceRule, pick_connection, refusal_on_create

Feature = Literal["on", "off", "unlicensed"]
FEATURES: tuple[str, ...] = ("on", "off", "unlicensed")
AudienceMiss = Literal["empty", "null", "error"]
# The licence's SkuShortName; the public gate lets only "enterprise" through (docs/MATTERMOST.md §1).
LICENCES: tuple[str, ...] = ("enterprise", "advanced", "professional", "none")
DuplicateAudiences = Literal["reject", "allow"]
DUPLICATE_AUDIENCES: tuple[str, ...] = ("reject", "allow")

DEFAULT_VERSION_ID = "9.11.0.9.11.0.7c9e3a1b5d2f.true"


class RuleError(ValueError):
    """A connection handed to the state breaks one of the server's rules."""


class State:
    """In-memory server data. Settings (``feature``, ``latency_ms``, ...) are plain attributes."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.feature: Feature = "on"
        self.latency_ms = 0
        self.commands_enabled = True
        self.settings: dict[str, str] = {}  # server settings by "Section.Key" (sandbox/token_fetch.py), as text
        self.version_id = DEFAULT_VERSION_ID
        self.license_sku = "enterprise"  # the licence's SkuShortName ("none": no licence); only enterprise passes
        # How ``?audience=`` answers when no connection matches: the api4 code path gives [null] (§4).
        self.audience_miss: AudienceMiss = "null"
        self.errors: ErrorMode = "production"  # what handlers.go leaves of an error (Appendix A.4)
        # Current servers refuse an audience another connection has; the exact rule is closed code (§3).
        self.duplicate_audiences: DuplicateAudiences = "reject"
        # Which of several matching connections ``?audience=`` and the integrations get (the sandbox's choice).
        self.audience_rule: AudienceRule = DEFAULT_AUDIENCE_RULE
        # The open store's INSERT leaves the password-grant credentials out; whether the closed layer
        # puts them back is unknown (§3), so the sandbox keeps them unless a test asks for the quirk.
        self.drop_credentials_on_create = False
        # Early 9.x servers blanked client_id and credentials_username in responses (docs/MATTERMOST.md §3).
        self.blank_client_ids = False
        self._users: dict[str, User] = {}
        self._sessions: dict[str, str] = {}
        self._teams: dict[str, Team] = {}
        self._members: dict[tuple[str, str], TeamRole] = {}
        self._commands: dict[str, SlashCommand] = {}
        self._connections: dict[str, Connection] = {}
        self.integrations = IntegrationStore()  # channels, outgoing webhooks, posts, the server log

    # --- users and sessions -------------------------------------------------------------------
    def add_user(self, username: str, password: str, *, system_admin: bool = False, mfa_code: str = "") -> User:
        with self._lock:
            user = User(new_id(), username, password, system_admin, mfa_code, now_ms())
            self._users[user.id] = user
            if system_admin:
                for team_id in self._teams:
                    self._members[(user.id, team_id)] = "admin"
            return user

    def user(self, user_id: str) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def user_by_login(self, login_id: str) -> User | None:
        with self._lock:
            lowered = login_id.lower()
            for user in self._users.values():
                if lowered in (user.username.lower(), f"{user.username}@sandbox.invalid"):
                    return user
            return None

    def issue_token(self, user_id: str) -> str:
        """A new session / personal access token for ``user_id``."""
        with self._lock:
            if user_id not in self._users:
                raise KeyError(f"no user with id {user_id}")
            token = new_token()
            self._sessions[token] = user_id
            return token

    def revoke_token(self, token: str) -> bool:
        with self._lock:
            return self._sessions.pop(token, None) is not None

    def user_for_token(self, token: str) -> User | None:
        with self._lock:
            user_id = self._sessions.get(token)
            return self._users.get(user_id) if user_id else None

    # --- teams and permissions ----------------------------------------------------------------
    def add_team(self, name: str, display_name: str = "") -> Team:
        """A team; every system admin joins it as team admin."""
        with self._lock:
            if any(t.name == name for t in self._teams.values()):
                raise ValueError(f"a team named {name!r} already exists")
            team = Team(new_id(), name, display_name or name, now_ms())
            self._teams[team.id] = team
            for user in self._users.values():
                if user.system_admin:
                    self._members[(user.id, team.id)] = "admin"
            return team

    def set_team_role(self, user_id: str, team_id: str, role: TeamRole | None) -> None:
        """Give ``user_id`` a role in the team (see ``TeamRole``), or take it out of the team with ``None``."""
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"no team with id {team_id}")
            if role is None:
                self._members.pop((user_id, team_id), None)
            else:
                self._members[(user_id, team_id)] = role

    def team(self, team_id: str) -> Team | None:
        with self._lock:
            return self._teams.get(team_id)

    def team_by_name(self, name: str) -> Team | None:
        with self._lock:
            return next((t for t in self._teams.values() if t.name == name), None)

    def teams(self) -> list[Team]:
        with self._lock:
            return sorted(self._teams.values(), key=lambda t: t.id)

    def teams_of(self, user_id: str) -> list[Team]:
        with self._lock:
            return [t for t in self.teams() if (user_id, t.id) in self._members]

    def has_system_permission(self, user: User, permission: str) -> bool:
        del permission  # system admins hold every system permission; nobody else holds any here
        return user.system_admin

    def has_team_permission(self, user: User, team_id: str, permission: str) -> bool:
        if user.system_admin:
            return True
        with self._lock:
            role = self._members.get((user.id, team_id))
        return role_permits(role, permission)

    # --- slash commands -----------------------------------------------------------------------
    def add_command(
        self,
        team_id: str,
        trigger: str,
        url: str,
        method: str = "P",
        *,
        creator_id: str = "",
        display_name: str = "",
        description: str = "",
        plugin_id: str = "",
    ) -> SlashCommand:
        with self._lock:
            if team_id not in self._teams:
                raise KeyError(f"no team with id {team_id}")
            creator = creator_id or self._first_admin_id()
            command = SlashCommand(
                id=new_id(),
                team_id=team_id,
                trigger=trigger,
                url=url,
                method=method,
                creator_id=creator,
                token=new_token(),
                create_at=now_ms(),
                display_name=display_name,
                description=description,
                plugin_id=plugin_id,
                auto_complete=True,
                auto_complete_desc=description,
            )
            self._commands[command.id] = command
            return command

    def remove_command(self, command_id: str) -> bool:
        with self._lock:
            return self._commands.pop(command_id, None) is not None

    def commands_of_team(self, team_id: str) -> list[SlashCommand]:
        with self._lock:
            return sorted((c for c in self._commands.values() if c.team_id == team_id), key=lambda c: c.id)

    def _first_admin_id(self) -> str:
        return next((u.id for u in self._users.values() if u.system_admin), "")

    # --- outgoing OAuth connections -------------------------------------------------------------
    def add_connection(
        self,
        name: str,
        client_id: str,
        client_secret: str,
        oauth_token_url: str,
        audiences: Iterable[str],
        grant_type: str = GrantType.CLIENT_CREDENTIALS.value,
        *,
        credentials_username: str = "",
        credentials_password: str = "",
        creator_id: str = "",
    ) -> Connection:
        """Store a new connection (id and times assigned); raises ``RuleError`` if the server would refuse it."""
        conn = Connection(
            name=name,
            client_id=client_id,
            client_secret=client_secret,
            oauth_token_url=oauth_token_url,
            grant_type=grant_type,
            audiences=tuple(audiences),
            credentials_username=credentials_username,
            credentials_password=credentials_password,
        )
        refusal = refusal_on_create(conn)
        if refusal is not None:
            raise RuleError(refusal)
        return self.insert_connection(conn, creator_id or self._first_admin_id())

    def insert_connection(self, conn: Connection, creator_id: str) -> Connection:
        """Store ``conn`` as new, without checking rules (the routes check them the server's way)."""
        with self._lock:
            stamp = now_ms()
            stored = replace(conn, id=conn.id or new_id(), creator_id=creator_id, create_at=stamp, update_at=stamp)
            if stored.id in self._connections:
                raise KeyError(stored.id)
            self._connections[stored.id] = stored
            return stored

    def replace_connection(self, conn: Connection) -> Connection:
        """Store ``conn`` over the one with its id, bumping ``update_at``."""
        with self._lock:
            old = self._connections.get(conn.id)
            if old is None:
                raise KeyError(conn.id)
            stored = replace(
                conn, create_at=old.create_at, creator_id=old.creator_id, update_at=max(now_ms(), old.update_at + 1)
            )
            self._connections[stored.id] = stored
            return stored

    def delete_connection(self, connection_id: str) -> bool:
        with self._lock:
            return self._connections.pop(connection_id, None) is not None

    def connection(self, connection_id: str) -> Connection | None:
        with self._lock:
            return self._connections.get(connection_id)

    def connections(self) -> list[Connection]:
        """Every connection, ordered by id."""
        with self._lock:
            return [self._connections[k] for k in sorted(self._connections)]

    def connection_page(self, from_id: str, limit: int) -> list[Connection]:
        """The server's page: ids greater than ``from_id``, ordered by id, at most ``limit``."""
        with self._lock:
            ids = sorted(k for k in self._connections if k > from_id)[:limit]
            return [self._connections[k] for k in ids]

    def audience_taken(self, audiences: Iterable[str], excluding_id: str = "") -> tuple[str, Connection] | None:
        """The first of ``audiences`` another connection already lists (the same text), with that connection.

        The sandbox's reading of the closed ``audience_duplicated`` refusal: the identical string only.
        """
        with self._lock:
            for audience in audiences:
                for conn in self.connections():
                    if conn.id != excluding_id and audience in conn.audiences:
                        return audience, conn
            return None

    def connection_for_audience(self, url: str) -> Connection | None:
        """The connection the sandbox uses for ``url``.

        The real choice among several matches is closed code (docs/MATTERMOST.md §5); ``audience_rule``
        is the sandbox's (``server_model.AudienceRule``).
        """
        with self._lock:
            return pick_connection(self._connections.values(), url, self.audience_rule)

    def connection_json(self, conn: Connection) -> dict[str, Any]:
        """``conn`` as the server sends it: sanitised (no secret, no password)."""
        out = conn.public_dict()
        if self.blank_client_ids:
            out.pop("client_id", None)
            out.pop("credentials_username", None)
        return out
