"""``POST /api/v4/posts``: a message in a channel; matching outgoing webhooks fire (docs/MATTERMOST.md E.2).

As on the server, the post is answered at once and the webhooks are handled afterwards (in a thread here,
a goroutine there): callbacks whose token cannot be fetched are not sent and leave a server log line.
"""

from __future__ import annotations

import json
import threading

from mmoauth_gui.sandbox.auth import require_user
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.integrations.deliver import trigger_webhook, webhook_payload
from mmoauth_gui.sandbox.integrations.store import Channel, Post
from mmoauth_gui.sandbox.permissions import CREATE_POST
from mmoauth_gui.sandbox.records import User
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.state import State


class PostRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("POST", "/api/v4/posts", self.create)

    def create(self, request: Request) -> Response:
        user = require_user(request, self.state)
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise AppError("api.context.invalid_body_param.app_error", 400, name="post")
        channel = self.state.integrations.channel(str(body.get("channel_id") or ""))
        if channel is None or not self.state.has_team_permission(user, channel.team_id, CREATE_POST):
            raise permission_error(user.id, CREATE_POST)
        message = str(body.get("message") or "")
        post = self.state.integrations.add_post(channel.id, user.id, message)
        threading.Thread(target=self._fire, args=(channel, user, post), daemon=True).start()
        return Response.json(201, post.to_json())

    def _fire(self, channel: Channel, user: User, post: Post) -> None:
        """``handleWebhookEvents``: public channels only, when outgoing webhooks are enabled."""
        store = self.state.integrations
        team = self.state.team(channel.team_id)
        words = post.message.split()
        if not store.webhooks_enabled or channel.type != "O" or team is None or not words:
            return
        for hook in store.hooks(team_id=team.id):
            trigger_word = hook.fires_on(channel.id, words[0])
            if trigger_word is None:
                continue
            content_type, payload = webhook_payload(hook, team, channel, user, post, trigger_word)
            trigger_webhook(self.state, hook, content_type, payload, post)
