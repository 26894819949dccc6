"""Async client for the Mattermost REST API routes this app uses (docs/MATTERMOST.md §2, §4, §6).

It takes the app's one ``httpx.AsyncClient`` and raises the typed errors of ``mattermost_errors``.
Requests are logged at DEBUG as method, path and status: never headers, bodies or query strings.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from mmoauth_gui.core.model import SECRET_FIELDS, Command, Connection, Team
from mmoauth_gui.core.urls import API_PATH as API
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.core.webhooks import OutgoingWebhook
from mmoauth_gui.services.mattermost.diagnosis import Action, explain_refusal
from mmoauth_gui.services.mattermost.errors import (
    FeatureUnavailable,
    InvalidResponse,
    MattermostError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServerError,
    Unreachable,
    error_from_response,
)
from mmoauth_gui.services.mattermost.transport import Answer, send_bounded
from mmoauth_gui.services.mattermost.transport import secure_base_url as _secure_base_url

log = logging.getLogger(__name__)

CONNECTIONS = f"{API}/oauth/outgoing_connections"
PAGE_LIMIT = 100  # the server's maximum; its default is 10
HOOKS_PER_PAGE = 200  # the server's cap for per_page (docs/MATTERMOST.md D.2)
WEBHOOKS_PERMISSION_ADVICE = (
    "Reading a team's outgoing webhooks needs manage_outgoing_webhooks on that team (and "
    "manage_others_outgoing_webhooks to see those other people created)."
)
WEBHOOKS_DISABLED_ADVICE = (
    "Outgoing webhooks are turned off on this server: a system admin can set "
    "ServiceSettings.EnableOutgoingWebhooks = true (System Console > Integrations > Integration Management)."
)
MAX_PAGES = 500  # 50,000 connections: far beyond any real server, a stop for a cursor that never ends
MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # decompressed; 100 connections or a team's commands are far smaller
REQUEST_DEADLINE = 60.0  # one request, body included: the HTTP client's timeout is per read, not overall
OPERATION_DEADLINES = 10  # an operation of many requests (paging) may take this many request deadlines


@dataclass(frozen=True)
class ServerInfo:
    """The answer to ``GET /system/ping``. ``version_id`` is the raw ``X-Version-Id`` header."""

    status: str
    version_id: str

    @property
    def version(self) -> str:
        """The release part of ``X-Version-Id`` (``9.6.0`` of ``9.6.0.8345.abc.true``), or "" when absent."""
        parts = self.version_id.split(".")
        if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
            return ".".join(parts[:3])
        return self.version_id

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.version.split(".") if p.isdigit()) if self.version else ()


@dataclass(frozen=True)
class User:
    id: str
    username: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    roles: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> User:
        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        return cls(
            id=text("id"),
            username=text("username"),
            email=text("email"),
            first_name=text("first_name"),
            last_name=text("last_name"),
            roles=text("roles"),
        )

    @property
    def is_system_admin(self) -> bool:
        return "system_admin" in self.roles.split()

    @property
    def label(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return f"{self.username} ({full})" if full and self.username else self.username or full or self.id


class MattermostClient:
    """One server, one token, over a shared ``httpx.AsyncClient``. The token never appears in ``repr``."""

    def __init__(
        self,
        base_url: str,
        token: str,
        http: httpx.AsyncClient,
        *,
        deadline_s: float = REQUEST_DEADLINE,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.base_url = canonical_server_url(base_url)
        self._token = token
        self._http = http
        self.deadline_s = deadline_s
        self.max_response_bytes = max_response_bytes

    def __repr__(self) -> str:
        return f"MattermostClient({self.base_url!r})"

    @property
    def http(self) -> httpx.AsyncClient:
        """The shared HTTP client (for requests that are not to this server, e.g. "try it")."""
        return self._http

    # ---- transport -------------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        authenticated: bool = True,
    ) -> Answer:
        headers = {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}
        if authenticated:
            headers["Authorization"] = f"Bearer {self._token}"
        started = time.monotonic()
        response = await send_bounded(
            self._http,
            method,
            self.base_url,
            path,
            operation=operation,
            params=params,
            body=body,
            headers=headers,
            deadline_s=self.deadline_s,
            max_bytes=self.max_response_bytes,
        )
        log.debug("%s %s -> %s (%.0f ms)", method, path, response.status_code, (time.monotonic() - started) * 1000)
        return response

    async def _call(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        ok: tuple[int, ...] = (200,),
        rules_apply: bool = False,
        lookup: bool = False,
        listing: bool = False,
        commands: bool = False,
        validating: bool = False,
        authenticated: bool = True,
    ) -> tuple[Answer, Any]:
        """Send, and return the response with its parsed JSON body, or raise the typed error."""
        response = await self._send(
            method, path, operation=operation, params=params, body=body, authenticated=authenticated
        )
        parsed, parse_ok = _parse_json(response)
        if response.status_code in ok:
            if not parse_ok:
                raise InvalidResponse("the answer is not JSON", status=response.status_code, operation=operation)
            return response, parsed
        raise error_from_response(
            response.status_code,
            parsed if parse_ok else None,
            operation=operation,
            rules_apply=rules_apply,
            lookup=lookup,
            listing=listing,
            commands=commands,
            validating=validating,
            secrets=(self._token, *_secrets_in(body)),
        )

    # ---- server and account ----------------------------------------------------------------------

    secure_base_url = staticmethod(_secure_base_url)

    async def ping(self) -> ServerInfo:
        """Whether the server answers, and its version (``X-Version-Id``)."""
        response, body = await self._call("GET", f"{API}/system/ping", operation="reach the server")
        status = body.get("status") if isinstance(body, dict) else None
        if not isinstance(status, str):
            raise InvalidResponse(
                "the ping answer has no status", status=response.status_code, operation="reach the server"
            )
        return ServerInfo(status=status, version_id=response.headers.get("X-Version-Id", ""))

    @classmethod
    async def login(cls, base_url: str, login_id: str, password: str, mfa_token: str, http: httpx.AsyncClient) -> str:
        """Sign in with a password (and MFA code, if any); the session token from the ``Token`` header."""
        client = cls(base_url, "", http)
        payload: dict[str, str] = {"login_id": login_id, "password": password}
        if mfa_token:
            payload["token"] = mfa_token
        response, body = await client._call(
            "POST", f"{API}/users/login", operation="sign in", body=payload, authenticated=False
        )
        token = str(response.headers.get("Token", ""))
        if not token or not isinstance(body, dict):
            raise InvalidResponse("the sign-in answer carries no session token", status=200, operation="sign in")
        return token

    async def me(self) -> User:
        _, body = await self._call("GET", f"{API}/users/me", operation="read the signed-in account")
        return User.from_json(_expect_object(body, "read the signed-in account"))

    async def my_teams(self) -> list[Team]:
        _, body = await self._call("GET", f"{API}/users/me/teams", operation="list your teams")
        return [Team.from_json(t) for t in _expect_list_of_objects(body, "list your teams")]

    async def team_by_name(self, name: str) -> Team:
        operation = f"find the team named {name!r}"
        _, body = await self._call("GET", f"{API}/teams/name/{quote(name, safe='')}", operation=operation)
        team = Team.from_json(_expect_object(body, operation))
        if not team.id:
            raise InvalidResponse("the team has no id", status=200, operation=operation)
        return team

    # ---- outgoing OAuth connections --------------------------------------------------------------

    async def list_connections(self, team_id: str | None = None) -> list[Connection]:
        """Every connection, page by page (``limit=100&from_id=<last id>``) until a short page."""
        operation = "list outgoing OAuth connections"
        out: list[Connection] = []
        seen: set[str] = set()
        from_id = ""
        give_up = time.monotonic() + self.deadline_s * OPERATION_DEADLINES
        for _ in range(MAX_PAGES):
            if time.monotonic() > give_up:
                raise Unreachable(
                    f"listing took longer than {self.deadline_s * OPERATION_DEADLINES:g} seconds; stopped after "
                    f"{len(out)} connections",
                    reason="timeout",
                    operation=operation,
                    advice="The server or the network is very slow: try again, or give a longer --timeout.",
                )
            params = _team({}, team_id)
            params["limit"] = str(PAGE_LIMIT)
            if from_id:
                params["from_id"] = from_id
            _, body = await self._call("GET", CONNECTIONS, operation=operation, params=params, listing=True)
            page = [Connection.from_json(c) for c in _expect_list_of_objects(body, operation)]
            for conn in page:
                if conn.id not in seen:
                    seen.add(conn.id)
                    out.append(conn)
            if len(page) < PAGE_LIMIT:
                return out
            last = page[-1].id
            if not last or last <= from_id:
                raise InvalidResponse(
                    f"the server's paging does not advance (page after {from_id or 'the start'} ends at "
                    f"{last or 'a connection without id'}); stopped after {len(out)} connections",
                    status=200,
                    operation=operation,
                    advice="The list may be incomplete: report this to the server's admin.",
                )
            from_id = last
        raise InvalidResponse(
            f"the server kept sending full pages after {MAX_PAGES * PAGE_LIMIT} connections; stopped",
            status=200,
            operation=operation,
            advice="The list may be incomplete: report this to the server's admin.",
        )

    async def get_connection(self, connection_id: str, team_id: str | None = None) -> Connection:
        operation = f"read connection {connection_id}"
        try:
            _, body = await self._call(
                "GET", _one(connection_id), operation=operation, params=_team({}, team_id), lookup=True
            )
        except ServerError as exc:
            raise await explain_refusal(self, exc, Action.READ, connection_id=connection_id, team_id=team_id) from None
        return _connection(body, operation)

    async def create_connection(self, conn: Connection, team_id: str | None = None) -> Connection:
        """Create ``conn`` (its id, if any, is never sent); the server's copy, without secrets."""
        operation = f"create connection {conn.name!r}"
        try:
            _, body = await self._call(
                "POST",
                CONNECTIONS,
                operation=operation,
                params=_team({}, team_id),
                body=conn.create_payload(),
                ok=(201, 200),
                rules_apply=True,
            )
        except ServerError as exc:
            raise await explain_refusal(self, exc, Action.CREATE, sent=conn, team_id=team_id) from None
        return _connection(body, operation)

    async def update_connection(self, conn: Connection, team_id: str | None = None) -> Connection:
        """Update the stored connection ``conn.id``. Patch semantics: an empty secret keeps the stored one."""
        if not conn.id:
            raise ValueError("update_connection needs a connection with an id")
        operation = f"update connection {conn.name or conn.id!r}"
        try:
            _, body = await self._call(
                "PUT",
                _one(conn.id),
                operation=operation,
                params=_team({}, team_id),
                body=conn.update_payload(),
                rules_apply=True,
                lookup=True,
            )
        except ServerError as exc:
            explained = await explain_refusal(
                self, exc, Action.UPDATE, sent=conn, connection_id=conn.id, team_id=team_id
            )
            raise explained from None
        return _connection(body, operation)

    async def delete_connection(self, connection_id: str) -> None:
        operation = f"delete connection {connection_id}"
        try:
            await self._call("DELETE", _one(connection_id), operation=operation, lookup=True)
        except ServerError as exc:
            raise await explain_refusal(self, exc, Action.DELETE, connection_id=connection_id) from None

    async def validate_connection(self, conn: Connection, team_id: str | None = None) -> None:
        """Ask the server to get a token with ``conn``: None when it did, the typed error otherwise.

        With an id and an empty secret the server uses the stored secret. A 400 means the token endpoint
        refused the configuration, a 502 that the server could not reach it (docs/MATTERMOST.md §4).
        """
        await self._call(
            "POST",
            f"{CONNECTIONS}/validate",
            operation=f"validate connection {conn.name or conn.id!r} on the server",
            params=_team({}, team_id),
            body=conn.validate_payload(),
            lookup=bool(conn.id),
            validating=True,
        )

    async def connection_for_audience(self, url: str, team_id: str | None = None) -> Connection | None:
        """The one connection the server would use for ``url``, or None.

        ``[]``, ``[null]``, ``null`` and an answer error (400, 404, 500) all mean "no connection". Errors that
        stop the question being asked at all (unreachable, 401, 403, 429, 501, 502/503, a malformed answer)
        are raised: they say nothing about the URL.
        """
        operation = "ask the server which connection serves a URL"
        params = _team({}, team_id)
        params["audience"] = url
        try:
            _, body = await self._call("GET", CONNECTIONS, operation=operation, params=params, listing=True)
        except (Unreachable, NotAuthenticated, PermissionDenied, FeatureUnavailable, InvalidResponse):
            raise
        except ServerError as exc:
            if exc.status in (502, 503, 504):
                raise
            return None
        except MattermostError as exc:
            if exc.status == 429:
                raise
            return None
        if body is None:
            return None
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list):
            raise InvalidResponse("expected a list of connections", status=200, operation=operation)
        for item in body:
            if isinstance(item, dict):
                conn = Connection.from_json(item)
                if conn.id:
                    return conn
        return None

    # ---- slash commands ----------------------------------------------------------------------------

    async def commands(self, team_id: str) -> list[Command]:
        """The team's custom slash commands, with their URLs. Command tokens are dropped on parsing."""
        operation = "list the team's slash commands"
        _, body = await self._call(
            "GET",
            f"{API}/commands",
            operation=operation,
            params={"team_id": team_id, "custom_only": "true"},
            commands=True,
        )
        return [Command.from_json(c) for c in _expect_list_of_objects(body, operation)]

    async def outgoing_webhooks(self, team_id: str) -> list[OutgoingWebhook]:
        """The team's outgoing webhooks, every page (page-based, docs/MATTERMOST.md D.2). Tokens are dropped."""
        operation = "list the team's outgoing webhooks"
        out: list[OutgoingWebhook] = []
        try:
            for page in range(MAX_PAGES):
                _, body = await self._call(
                    "GET",
                    f"{API}/hooks/outgoing",
                    operation=operation,
                    params={"team_id": team_id, "page": str(page), "per_page": str(HOOKS_PER_PAGE)},
                )
                items = _expect_list_of_objects(body, operation)
                out.extend(OutgoingWebhook.from_json(h) for h in items)
                if len(items) < HOOKS_PER_PAGE:  # asked for at most 200, so a short page is the last (PAR)
                    break
        except PermissionDenied as exc:
            exc.advice = WEBHOOKS_PERMISSION_ADVICE
            raise
        except FeatureUnavailable as exc:
            if exc.error_id == "api.outgoing_webhook.disabled.app_error":
                exc.advice = WEBHOOKS_DISABLED_ADVICE
            raise
        return out

    async def outgoing_webhook(self, hook_id: str) -> OutgoingWebhook:
        operation = "read the outgoing webhook"
        _, body = await self._call("GET", f"{API}/hooks/outgoing/{quote(hook_id, safe='')}", operation=operation)
        return OutgoingWebhook.from_json(_expect_object(body, operation))

    async def command_token(self, command_id: str, team_id: str) -> str:
        """A command's token (a secret: the caller keeps it in memory only), from the team's custom listing."""
        operation = "read the slash command's token"
        _, body = await self._call(
            "GET",
            f"{API}/commands",
            operation=operation,
            params={"team_id": team_id, "custom_only": "true"},
            commands=True,
        )
        for item in _expect_list_of_objects(body, operation):
            if item.get("id") == command_id and isinstance(item.get("token"), str):
                return str(item["token"])
        return ""

    async def webhook_token(self, hook_id: str) -> str:
        """An outgoing webhook's token (a secret: the caller keeps it in memory only)."""
        operation = "read the outgoing webhook's token"
        _, body = await self._call("GET", f"{API}/hooks/outgoing/{quote(hook_id, safe='')}", operation=operation)
        token = _expect_object(body, operation).get("token")
        return token if isinstance(token, str) else ""

    async def channel_by_name(self, team_id: str, name: str) -> dict[str, Any]:
        operation = f"find the channel {name!r}"
        _, body = await self._call(
            "GET",
            f"{API}/teams/{quote(team_id, safe='')}/channels/name/{quote(name, safe='')}",
            operation=operation,
            lookup=True,
        )
        return _expect_object(body, operation)

    async def channel(self, channel_id: str) -> dict[str, Any]:
        operation = "read the channel"
        _, body = await self._call("GET", f"{API}/channels/{quote(channel_id, safe='')}", operation=operation)
        return _expect_object(body, operation)

    async def execute_command(self, channel_id: str, command: str, team_id: str = "") -> dict[str, Any]:
        """``POST /api/v4/commands/execute``: the server runs the command as it does for a person typing it."""
        operation = "run the slash command through the server"
        body: dict[str, Any] = {"channel_id": channel_id, "command": command}
        if team_id:
            body["team_id"] = team_id
        _, answer = await self._call("POST", f"{API}/commands/execute", operation=operation, body=body)
        return _expect_object(answer, operation)

    async def get_json(self, path: str, *, operation: str, params: Mapping[str, str] | None = None) -> Any:
        """``GET`` a route below ``/api/v4`` this client has no method for; typed errors as for every call."""
        _, body = await self._call("GET", f"{API}{path}", operation=operation, params=params)
        return body

    async def server_log(self, lines: int = 1000) -> list[str]:
        """``GET /api/v4/logs``: the newest raw lines (system admins; docs/MATTERMOST.md Appendix G)."""
        operation = "read the server log"
        _, body = await self._call("GET", f"{API}/logs", operation=operation, params={"logs_per_page": str(lines)})
        if not isinstance(body, list):
            raise InvalidResponse("expected a list of log lines", status=200, operation=operation)
        return [line for line in body if isinstance(line, str)]

    async def create_post(self, channel_id: str, message: str) -> dict[str, Any]:
        """``POST /api/v4/posts``: a real message; matching outgoing webhooks fire."""
        operation = "post the message"
        _, answer = await self._call(
            "POST", f"{API}/posts", operation=operation, body={"channel_id": channel_id, "message": message}, ok=(201,)
        )
        return _expect_object(answer, operation)


def _secrets_in(body: Any) -> tuple[str, ...]:
    if not isinstance(body, dict):
        return ()
    return tuple(str(body[key]) for key in SECRET_FIELDS + ("password",) if body.get(key))


def _one(connection_id: str) -> str:
    if not connection_id:
        raise NotFound("no connection id given", operation="find the connection")
    return f"{CONNECTIONS}/{quote(connection_id, safe='')}"


def _team(params: dict[str, str], team_id: str | None) -> dict[str, str]:
    if team_id:
        params["team_id"] = team_id
    return params


def _parse_json(response: Answer) -> tuple[Any, bool]:
    if not response.content.strip():
        return None, True
    try:
        return json.loads(response.content), True
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return None, False


def _expect_object(body: Any, operation: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidResponse(f"expected a JSON object, got {_kind(body)}", status=200, operation=operation)
    return body


def _expect_list_of_objects(body: Any, operation: str) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise InvalidResponse(f"expected a JSON list of objects, got {_kind(body)}", status=200, operation=operation)
    return body


def _connection(body: Any, operation: str) -> Connection:
    conn = Connection.from_json(_expect_object(body, operation))
    if not conn.id:
        raise InvalidResponse("the connection in the answer has no id", status=200, operation=operation)
    return conn


def _kind(body: Any) -> str:
    if body is None:
        return "nothing"
    if isinstance(body, list):
        return "a list holding something other than objects"
    if isinstance(body, dict):
        return "an object"
    return f"a JSON {type(body).__name__}"
