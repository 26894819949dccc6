"""Login, the caller, its teams and the ping: what a client needs to check a server profile (docs/MATTERMOST.md §2)."""

from __future__ import annotations

import json
from typing import Any

from mmoauth_gui.sandbox.auth import request_token, require_user
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import Request, Response, status_ok
from mmoauth_gui.sandbox.permissions import VIEW_TEAM
from mmoauth_gui.sandbox.records import Team, User
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.state import State


class UserRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("GET", "/api/v4/system/ping", self.ping)
        router.add("POST", "/api/v4/users/login", self.login)
        router.add("POST", "/api/v4/users/logout", self.logout)
        router.add("GET", "/api/v4/users/me", self.me)
        router.add("GET", "/api/v4/users/me/teams", self.my_teams)
        router.add("GET", "/api/v4/teams/name/{team_name}", self.team_by_name)
        router.add("GET", "/api/v4/teams/{team_id}", self.team_by_id)

    def ping(self, request: Request) -> Response:
        del request
        return Response.json(200, {"status": "OK"})

    def login(self, request: Request) -> Response:
        try:
            body: Any = json.loads(request.body or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            raise AppError("api.context.invalid_body_param.app_error", 400, name="user")
        login_id = str(body.get("login_id") or "")
        password = str(body.get("password") or "")
        if not password:
            raise AppError("api.user.login.blank_pwd.app_error", 400)
        user = self.state.user_by_login(login_id)
        if user is None or user.password != password:
            raise AppError("api.user.login.invalid_credentials_email_username", 401)
        if user.mfa_code and str(body.get("token") or "") != user.mfa_code:
            raise AppError("api.user.check_user_mfa.bad_code.app_error", 401)
        token = self.state.issue_token(user.id)
        return Response.json(200, user.to_json(), [("Token", token)])

    def logout(self, request: Request) -> Response:
        require_user(request, self.state)
        self.state.revoke_token(request_token(request))
        return status_ok()

    def me(self, request: Request) -> Response:
        return Response.json(200, require_user(request, self.state).to_json())

    def my_teams(self, request: Request) -> Response:
        user = require_user(request, self.state)
        return Response.json(200, [t.to_json() for t in self.state.teams_of(user.id)])

    def _visible(self, user: User, team: Team | None, missing_id: str) -> Response:
        if team is None:
            raise AppError(missing_id, 404)
        if not self.state.has_team_permission(user, team.id, VIEW_TEAM):
            raise permission_error(user.id, VIEW_TEAM)
        return Response.json(200, team.to_json())

    def team_by_name(self, request: Request) -> Response:
        user = require_user(request, self.state)
        team = self.state.team_by_name(request.params["team_name"])
        return self._visible(user, team, "app.team.get_by_name.missing.app_error")

    def team_by_id(self, request: Request) -> Response:
        user = require_user(request, self.state)
        return self._visible(user, self.state.team(request.params["team_id"]), "app.team.get.find.app_error")
