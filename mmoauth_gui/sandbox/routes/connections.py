"""``/api/v4/oauth/outgoing_connections`` as the server answers it (docs/MATTERMOST.md §1, §4).

Order inside every handler follows the server: session, permission, feature gate, then input.
"""

from __future__ import annotations

import re

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.auth import require_user
from mmoauth_gui.sandbox.connection_json import BodyError, decode_connection, first_rule_error, patch
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import Request, Response, status_ok
from mmoauth_gui.sandbox.ids import is_valid_id, new_id, now_ms
from mmoauth_gui.sandbox.permissions import MANAGE_OUTGOING_WEBHOOKS, MANAGE_SLASH_COMMANDS, SYSTEM_MANAGE_CONNECTIONS
from mmoauth_gui.sandbox.records import User
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.server_model.untrusted import ALLOWED_UNTRUSTED_INTERNAL
from mmoauth_gui.sandbox.state import State
from mmoauth_gui.sandbox.token_fetch import fetch_token

BASE = "/api/v4/oauth/outgoing_connections"
VALIDATE_FAILED = "Failed to retrieve token while validating outgoing oauth connection"  # Appendix E.3
_PREFIX = "api.context.outgoing_oauth_connection"
DEFAULT_LIMIT = 10
_GO_INT = re.compile(r"^[+-]?[0-9]{1,18}$")  # what strconv.Atoi accepts (no spaces, no underscores)


class ConnectionRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("GET", BASE, self.list)
        router.add("POST", BASE, self.create)
        router.add("POST", f"{BASE}/validate", self.validate)
        router.add("GET", BASE + "/{connection_id}", self.get)
        router.add("PUT", BASE + "/{connection_id}", self.update)
        router.add("DELETE", BASE + "/{connection_id}", self.delete)

    # --- checks shared by the handlers ----------------------------------------------------------
    def _may_read(self, user: User, team_id: str) -> None:
        s = self.state
        if (
            s.has_system_permission(user, SYSTEM_MANAGE_CONNECTIONS)
            or (team_id and s.has_team_permission(user, team_id, MANAGE_OUTGOING_WEBHOOKS))
            or (team_id and s.has_team_permission(user, team_id, MANAGE_SLASH_COMMANDS))
        ):
            return
        raise permission_error(user.id, MANAGE_OUTGOING_WEBHOOKS, MANAGE_SLASH_COMMANDS)

    def _may_write(self, user: User) -> None:
        if not self.state.has_system_permission(user, SYSTEM_MANAGE_CONNECTIONS):
            raise permission_error(user.id, SYSTEM_MANAGE_CONNECTIONS)

    def _gate(self) -> None:
        feature = self.state.feature
        if feature == "off":
            raise AppError(f"{_PREFIX}.not_available.configuration_disabled", 501)
        # The public gate compares the SKU short name exactly with "enterprise" (docs/MATTERMOST.md §1).
        if feature == "unlicensed" or self.state.license_sku != "enterprise":
            raise AppError("api.license.upgrade_needed.app_error", 501)

    def _refuse_duplicate(self, conn: Connection, action: str) -> None:
        """Current servers refuse an audience another connection has (docs/MATTERMOST.md §3, Appendix A.3)."""
        if self.state.duplicate_audiences != "reject":
            return
        taken = self.state.audience_taken(conn.audiences, excluding_id=conn.id)
        if taken is not None:
            where = "SaveConnection" if action == "create" else "UpdateConnection"
            raise AppError(
                f"{_PREFIX}.{action}_connection.app_error",
                500,
                f"{where}: There is already an outgoing oauth connection for the provided audience: {taken[0]}",
            )

    def _writer(self, request: Request) -> User:
        user = require_user(request, self.state)
        self._may_write(user)
        self._gate()
        return user

    def _json(self, conn: Connection) -> dict[str, object]:
        return self.state.connection_json(conn)

    @staticmethod
    def _require_id(request: Request) -> str:
        connection_id = request.params["connection_id"]
        if not is_valid_id(connection_id):
            raise AppError("api.context.invalid_url_param.app_error", 400, name="outgoing_oauth_connection_id")
        return connection_id

    def _stored(self, connection_id: str, error_id: str) -> Connection:
        conn = self.state.connection(connection_id)
        if conn is None:
            # The server's store answers "not found" as an internal error (docs/MATTERMOST.md §4).
            raise AppError(error_id, 500, f'resource "OutgoingOAuthConnection" not found, id: {connection_id}')
        return conn

    # --- handlers -------------------------------------------------------------------------------
    def list(self, request: Request) -> Response:
        user = require_user(request, self.state)
        self._may_read(user, request.arg("team_id"))
        self._gate()
        limit = DEFAULT_LIMIT
        raw_limit = request.arg("limit")
        if raw_limit:
            if not _GO_INT.match(raw_limit):
                raise AppError(
                    f"{_PREFIX}.list_connections.input_error",
                    400,
                    f'strconv.Atoi: parsing "{raw_limit[:40]}": invalid syntax',
                )
            limit = int(raw_limit)
        if not 1 <= limit <= 100:
            raise AppError(f"{_PREFIX}.list_connections.input_error", 400, "limit must be between 1 and 100")
        audience = request.arg("audience")
        if audience:
            return self._for_audience(audience)
        page = self.state.connection_page(request.arg("from_id"), limit)
        return Response.json(200, [self._json(c) for c in page])

    def _for_audience(self, audience: str) -> Response:
        conn = self.state.connection_for_audience(audience)
        if conn is not None:
            return Response.json(200, [self._json(conn)])
        miss = self.state.audience_miss
        if miss == "null":
            return Response.json(200, [None])
        if miss == "error":
            raise AppError(
                f"{_PREFIX}.list_connections.app_error", 500, f"no outgoing OAuth connection matches {audience}"
            )
        return Response.json(200, [])

    def create(self, request: Request) -> Response:
        user = self._writer(request)
        try:
            decoded = decode_connection(request.body)
        except BodyError as exc:
            raise AppError(f"{_PREFIX}.create_connection.input_error", 400, str(exc)) from None
        # No open code refuses a client-chosen id: PreSave keeps it, IsValid checks its form (Appendix B.1).
        draft = decoded.connection.with_changes(creator_id=user.id)
        error_id = f"{_PREFIX}.create_connection.app_error"
        if draft.id and not is_valid_id(draft.id):
            raise AppError(error_id, 500, f"OutgoingOAuthConnection.IsValid: Invalid id., id={draft.id}")
        stamp = now_ms()  # the server checks after PreSave set the id and the times
        reason = first_rule_error(draft.with_changes(id=draft.id or new_id(), create_at=stamp, update_at=stamp))
        if reason is not None:
            raise AppError(error_id, 500, reason)
        self._refuse_duplicate(draft, "create")
        if self.state.drop_credentials_on_create:
            draft = draft.with_changes(credentials_username="", credentials_password="")
        try:
            stored = self.state.insert_connection(draft, user.id)
        except KeyError:
            raise AppError(error_id, 500, "SaveConnection: duplicate key value violates unique constraint") from None
        return Response.json(201, self._json(stored))

    def get(self, request: Request) -> Response:
        self._writer(request)
        conn = self._stored(request.params["connection_id"], f"{_PREFIX}.list_connections.app_error")
        return Response.json(200, self._json(conn))

    def update(self, request: Request) -> Response:
        self._writer(request)
        connection_id = self._require_id(request)
        try:
            decoded = decode_connection(request.body)
        except BodyError as exc:
            raise AppError(f"{_PREFIX}.update_connection.input_error", 400, str(exc)) from None
        if decoded.connection.id != connection_id:
            raise AppError("api.context.invalid_body_param.app_error", 400, name="id")
        current = self._stored(connection_id, f"{_PREFIX}.update_connection.app_error")
        patched = patch(current, decoded)
        reason = first_rule_error(patched)
        if reason is not None:
            raise AppError(f"{_PREFIX}.update_connection.app_error", 500, reason)
        self._refuse_duplicate(patched, "update")
        try:
            stored = self.state.replace_connection(patched)
        except KeyError:
            raise AppError(f"{_PREFIX}.update_connection.app_error", 500, "the connection was deleted") from None
        return Response.json(200, self._json(stored))

    def delete(self, request: Request) -> Response:
        self._writer(request)
        connection_id = self._require_id(request)
        self._stored(connection_id, f"{_PREFIX}.delete_connection.app_error")
        self.state.delete_connection(connection_id)
        return status_ok()

    def validate(self, request: Request) -> Response:
        self._writer(request)
        error_id = f"{_PREFIX}.validate_connection_credentials.app_error"
        try:
            decoded = decode_connection(request.body)
        except BodyError as exc:
            raise AppError(f"{_PREFIX}.validate_connection_credentials.input_error", 400, str(exc)) from None
        conn = decoded.connection
        if conn.id and not conn.client_secret:
            # api4 fills in the stored secret and nothing else (docs/MATTERMOST.md, Appendix C.2).
            conn = conn.with_changes(client_secret=self._stored(conn.id, error_id).client_secret)
        outcome = fetch_token(conn, allowed_internal=self.state.settings.get(ALLOWED_UNTRUSTED_INTERNAL, ""))
        if not outcome.ok:
            self.state.integrations.log("error", VALIDATE_FAILED, error=outcome.detail)
            raise AppError(error_id, outcome.status, outcome.detail, status_line_first=True)
        return status_ok()
