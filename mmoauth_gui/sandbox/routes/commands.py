"""``GET /api/v4/commands``: a team's slash commands, URLs shown only to those who may manage them (§6)."""

from __future__ import annotations

from mmoauth_gui.sandbox.auth import require_user
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import JSON_TYPE, Request, Response
from mmoauth_gui.sandbox.permissions import MANAGE_OTHERS_SLASH_COMMANDS, MANAGE_OWN_SLASH_COMMANDS, VIEW_TEAM
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.state import State


class CommandRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("GET", "/api/v4/commands", self.list)

    def list(self, request: Request) -> Response:
        user = require_user(request, self.state)
        team_id = request.arg("team_id")
        if not team_id:
            raise AppError("api.context.invalid_param.app_error", 400, name="team_id")
        s = self.state
        if not s.has_team_permission(user, team_id, VIEW_TEAM):
            raise permission_error(user.id, VIEW_TEAM)
        manages_own = s.has_team_permission(user, team_id, MANAGE_OWN_SLASH_COMMANDS)
        custom_only = request.arg("custom_only").lower() in ("1", "t", "true")
        if custom_only and not manages_own:
            raise permission_error(user.id, MANAGE_OWN_SLASH_COMMANDS)
        if not s.commands_enabled:
            raise AppError("api.command.disabled.app_error", 501)
        manages_others = s.has_team_permission(user, team_id, MANAGE_OTHERS_SLASH_COMMANDS)
        commands = s.commands_of_team(team_id)
        if custom_only:
            # Without manage_others_slash_commands the others' commands are left out (docs/MATTERMOST.md D.1).
            commands = [c for c in commands if manages_others or c.creator_id == user.id]
        body = b",".join(c.json_bytes(with_url=custom_only) for c in commands)
        return Response(200, b"[" + body + b"]", [("Content-Type", JSON_TYPE)])
