"""Outgoing webhooks, channels by name and the server log (docs/MATTERMOST.md Appendix D.2, G)."""

from __future__ import annotations

from mmoauth_gui.sandbox.auth import require_user
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.permissions import MANAGE_OTHERS_OUTGOING_WEBHOOKS, MANAGE_OUTGOING_WEBHOOKS, READ_CHANNEL
from mmoauth_gui.sandbox.records import User
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.state import State

DEFAULT_PER_PAGE = 60
MAX_PER_PAGE = 200
LOGS_PER_PAGE = 10000


def _int_arg(request: Request, *names: str) -> int | None:
    for name in names:
        value = request.arg(name)
        if value:
            try:
                return int(value)
            except ValueError:
                return None
    return None


def page_args(request: Request) -> tuple[int, int]:
    """``page`` and ``per_page`` as web/params.go reads them: bad or negative page → 0, per_page → 60, cap 200."""
    page = _int_arg(request, "page")
    per_page = _int_arg(request, "per_page", "pageSize")
    page = page if page is not None and page >= 0 else 0
    if per_page is None or per_page < 0:
        per_page = DEFAULT_PER_PAGE
    return page, min(per_page, MAX_PER_PAGE)


class WebhookRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("GET", "/api/v4/hooks/outgoing", self.list)
        router.add("GET", "/api/v4/hooks/outgoing/{hook_id}", self.get)
        router.add("GET", "/api/v4/teams/{team_id}/channels/name/{channel_name}", self.channel_by_name)
        router.add("GET", "/api/v4/channels/{channel_id}", self.channel)
        router.add("GET", "/api/v4/logs", self.logs)

    def _team_permission(self, user: User, team_id: str, permission: str) -> bool:
        return self.state.has_team_permission(user, team_id, permission)

    def list(self, request: Request) -> Response:
        user = require_user(request, self.state)
        store = self.state.integrations
        channel_id, team_id = request.arg("channel_id"), request.arg("team_id")
        if channel_id:
            channel = store.channel(channel_id)
            scope_team = channel.team_id if channel else ""
            if not channel or not self._team_permission(user, scope_team, MANAGE_OUTGOING_WEBHOOKS):
                raise permission_error(user.id, MANAGE_OUTGOING_WEBHOOKS)
            others = self._team_permission(user, scope_team, MANAGE_OTHERS_OUTGOING_WEBHOOKS)
            hooks = store.hooks(channel_id=channel_id)
        elif team_id:
            if not self._team_permission(user, team_id, MANAGE_OUTGOING_WEBHOOKS):
                raise permission_error(user.id, MANAGE_OUTGOING_WEBHOOKS)
            others = self._team_permission(user, team_id, MANAGE_OTHERS_OUTGOING_WEBHOOKS)
            hooks = store.hooks(team_id=team_id)
        else:
            if not self.state.has_system_permission(user, MANAGE_OUTGOING_WEBHOOKS):
                raise permission_error(user.id, MANAGE_OUTGOING_WEBHOOKS)
            others = self.state.has_system_permission(user, MANAGE_OTHERS_OUTGOING_WEBHOOKS)
            hooks = store.hooks()
        if not store.webhooks_enabled:
            raise AppError("api.outgoing_webhook.disabled.app_error", 501)
        if not others:
            hooks = [h for h in hooks if h.creator_id == user.id]
        page, per_page = page_args(request)
        shown = hooks[page * per_page : (page + 1) * per_page]
        return Response.json(200, [h.to_json() for h in shown])

    def get(self, request: Request) -> Response:
        user = require_user(request, self.state)
        store = self.state.integrations
        hook = store.hook(request.params["hook_id"])
        if hook is None:
            raise AppError("app.webhooks.get_outgoing_webhook.app_error", 404, "id not found")
        if not self._team_permission(user, hook.team_id, MANAGE_OUTGOING_WEBHOOKS):
            raise permission_error(user.id, MANAGE_OUTGOING_WEBHOOKS)
        if hook.creator_id != user.id and not self._team_permission(
            user, hook.team_id, MANAGE_OTHERS_OUTGOING_WEBHOOKS
        ):
            raise permission_error(user.id, MANAGE_OTHERS_OUTGOING_WEBHOOKS)
        if not store.webhooks_enabled:
            raise AppError("api.outgoing_webhook.disabled.app_error", 501)
        return Response.json(200, hook.to_json())

    def channel_by_name(self, request: Request) -> Response:
        user = require_user(request, self.state)
        team_id = request.params["team_id"]
        channel = self.state.integrations.channel_by_name(team_id, request.params["channel_name"])
        if channel is None:
            raise AppError("app.channel.get_by_name.missing.app_error", 404, f"name={request.params['channel_name']}")
        if not self._team_permission(user, team_id, READ_CHANNEL):
            raise permission_error(user.id, READ_CHANNEL)
        return Response.json(200, channel.to_json())

    def channel(self, request: Request) -> Response:
        user = require_user(request, self.state)
        channel = self.state.integrations.channel(request.params["channel_id"])
        if channel is None or not self._team_permission(user, channel.team_id, READ_CHANNEL):
            raise permission_error(user.id, READ_CHANNEL)  # the server does not say whether it exists
        return Response.json(200, channel.to_json())

    def logs(self, request: Request) -> Response:
        """``GET /api/v4/logs``: raw lines, system admins only (Appendix G)."""
        user = require_user(request, self.state)
        if not self.state.has_system_permission(user, "get_logs"):
            raise permission_error(user.id, "get_logs")
        page = _int_arg(request, "page")
        per_page = _int_arg(request, "logs_per_page")
        page = page if page is not None and page >= 0 else 0
        per_page = min(per_page if per_page is not None and per_page > 0 else LOGS_PER_PAGE, LOGS_PER_PAGE)
        lines = self.state.integrations.log_lines()
        end = max(len(lines) - page * per_page, 0)  # page 0 is the newest lines, each page oldest first (G)
        return Response.json(200, lines[max(end - per_page, 0) : end])
