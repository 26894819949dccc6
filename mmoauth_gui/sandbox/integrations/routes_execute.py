"""``POST /api/v4/commands/execute``: run a custom slash command as the server does (docs/MATTERMOST.md E.1).

The token is really fetched through the matching connection and the command URL really called; on a failed
fetch the request still goes out with ``Token <command token>``; the answer is parsed as Mattermost parses it.
"""

from __future__ import annotations

import json
from typing import Any

from mmoauth_gui.sandbox.auth import require_user
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.ids import is_valid_id
from mmoauth_gui.sandbox.integrations.deliver import call_command, command_fields, parse_command_response
from mmoauth_gui.sandbox.permissions import CREATE_POST
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.state import State


class ExecuteRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("POST", "/api/v4/commands/execute", self.execute)

    def execute(self, request: Request) -> Response:
        user = require_user(request, self.state)
        try:
            args = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            args = None
        if not isinstance(args, dict):
            raise AppError("api.context.invalid_param.app_error", 400, name="command_args")
        command = str(args.get("command") or "")
        channel_id = str(args.get("channel_id") or "")
        if len(command) <= 1 or not command.startswith("/") or not is_valid_id(channel_id):
            raise AppError("api.command.execute_command.start.app_error", 400)
        store = self.state.integrations
        channel = store.channel(channel_id)
        if channel is None or not self.state.has_team_permission(user, channel.team_id, CREATE_POST):
            raise permission_error(user.id, CREATE_POST)
        team = self.state.team(channel.team_id)
        if team is None:
            raise AppError("app.team.get.find.app_error", 404)
        trigger, _, text = command[1:].partition(" ")
        trigger = trigger.lower()
        if not self.state.commands_enabled:
            raise AppError("api.command.disabled.app_error", 501)
        cmd = next((c for c in self.state.commands_of_team(team.id) if c.trigger.lower() == trigger), None)
        if cmd is None or cmd.plugin_id:
            raise AppError("api.command.execute_command.not_found.app_error", 404, trigger=trigger)
        fields = command_fields(cmd, team, channel, user, text.strip(), store.site_url, str(args.get("root_id") or ""))
        call = call_command(self.state, cmd, fields)
        if call.response is None:
            raise AppError("api.command.execute_command.failed.app_error", 500, call.error, trigger=cmd.trigger)
        if call.response.status != 200:
            raise AppError(
                "api.command.execute_command.failed_resp.app_error",
                500,
                call.response.body.decode("utf-8", "replace"),
                trigger=cmd.trigger,
                resp_status=call.response.status_text,
            )
        parsed = parse_command_response(call.response)
        if parsed is None:
            raise AppError("api.command.execute_command.failed_empty.app_error", 500, trigger=cmd.trigger)
        answer = command_response(parsed)
        if answer["response_type"] == "in_channel" and answer["text"]:
            store.add_post(channel.id, user.id, answer["text"], {"from_webhook": "true"})
        return Response.json(200, answer)


def command_response(parsed: dict[str, Any]) -> dict[str, Any]:
    """A ``CommandResponse`` with the fields the webapp reads (ephemeral unless it says in_channel)."""
    kind = parsed.get("response_type")
    return {
        "response_type": kind if kind in ("in_channel", "ephemeral") else "ephemeral",
        "text": str(parsed.get("text") or ""),
        "username": str(parsed.get("username") or ""),
        "channel_id": str(parsed.get("channel_id") or ""),
        "icon_url": str(parsed.get("icon_url") or ""),
        "type": str(parsed.get("type") or ""),
        "props": parsed.get("props") if isinstance(parsed.get("props"), dict) else {},
        "goto_location": str(parsed.get("goto_location") or ""),
        "trigger_id": "",
        "skip_slack_parsing": bool(parsed.get("skip_slack_parsing")),
        "attachments": parsed.get("attachments") if isinstance(parsed.get("attachments"), list) else [],
        "extra_responses": None,
    }
