"""What the server sends to an integration, as Mattermost builds it (docs/MATTERMOST.md §5, Appendix E).

Slash commands (``DoCommandRequest``): the connection for the command's stored URL; its token replaces
``Token <command token>``; a failed lookup or token fetch is logged and the request goes out anyway.
Outgoing webhooks (``TriggerWebhook``): the same per callback URL, in parallel; a failed lookup or token fetch
is logged and that callback is **not sent**. Every failure is a server log line in the server's words.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.ids import new_token
from mmoauth_gui.sandbox.integrations.outbound import OutboundError, OutboundResponse, send
from mmoauth_gui.sandbox.integrations.store import Channel, IntegrationStore, OutgoingHook, Post
from mmoauth_gui.sandbox.records import SlashCommand, Team, User
from mmoauth_gui.sandbox.server_model.untrusted import ALLOWED_UNTRUSTED_INTERNAL
from mmoauth_gui.sandbox.state import State
from mmoauth_gui.sandbox.token_fetch import FetchOutcome, fetch_token, requests_timeout

LOOKUP_FAILED = "Failed to find an outgoing oauth connection for the webhook"
TOKEN_FAILED = "Failed to retrieve token for outgoing oauth connection"
COMMAND_TIMEOUT = (
    "Outgoing Command request timed out. Consider increasing ServiceSettings.OutgoingIntegrationRequestsTimeout."
)
WEBHOOK_TIMEOUT = (
    "Outgoing Webhook POST timed out. Consider increasing ServiceSettings.OutgoingIntegrationRequestsTimeout."
)
WEBHOOK_FAILED = "Outgoing Webhook POST failed"


@dataclass(frozen=True)
class TokenStep:
    """The connection lookup and token fetch for one URL: what the server did before sending."""

    connection: Connection | None
    outcome: FetchOutcome | None  # None: no connection, nothing fetched
    error: str = ""  # the logged error when the lookup or the fetch failed

    @property
    def header(self) -> str | None:
        """The ``Authorization`` value the token gives, or None when there is no token."""
        if self.outcome is None or not self.outcome.ok:
            return None
        return self.outcome.header_value()


def outbound_rules(state: State) -> dict[str, Any]:
    """The server's outbound client settings: its deadline and which internal addresses it may call."""
    return {
        "timeout": requests_timeout(state.settings),
        "allowed_internal": state.settings.get(ALLOWED_UNTRUSTED_INTERNAL, ""),
    }


def token_for(state: State, url: str) -> TokenStep:
    """``GetConnectionForAudience(url)`` then ``RetrieveTokenForConnection`` (skipped when the feature is off)."""
    if state.feature == "off":
        return TokenStep(None, None)
    conn = state.connection_for_audience(url)
    if conn is None:
        return TokenStep(None, None)
    outcome = fetch_token(conn, allowed_internal=state.settings.get(ALLOWED_UNTRUSTED_INTERNAL, ""))
    return TokenStep(conn, outcome, "" if outcome.ok else outcome.detail)


@dataclass(frozen=True)
class CommandCall:
    """The request ``DoCommandRequest`` sent and the answer (or the error that replaced it)."""

    step: TokenStep
    method: str
    url: str
    headers: list[tuple[str, str]]
    fields: dict[str, str]
    response: OutboundResponse | None
    error: str = ""


def command_fields(
    cmd: SlashCommand, team: Team, channel: Channel, user: User, text: str, site_url: str, root_id: str = ""
) -> dict[str, str]:
    """The ``url.Values`` of E.1 (mention maps are added by the server only when the text mentions someone)."""
    return {
        "token": cmd.token,
        "team_id": cmd.team_id,
        "team_domain": team.name,
        "channel_id": channel.id,
        "channel_name": channel.name,
        "user_id": user.id,
        "user_name": user.username,
        "command": "/" + cmd.trigger.lower(),
        "text": text,
        "trigger_id": new_token() + new_token(),
        "root_id": root_id,
        "response_url": f"{site_url}/hooks/commands/{new_token()}",
    }


def call_command(state: State, cmd: SlashCommand, fields: dict[str, str]) -> CommandCall:
    store = state.integrations
    step = token_for(state, cmd.url)
    if step.connection is not None and step.header is None:
        store.log("error", TOKEN_FAILED, error=step.error)
    headers = [("Accept", "application/json")]
    authorization = step.header or (f"Token {cmd.token}" if cmd.token else None)
    if authorization:
        headers.append(("Authorization", authorization))
    encoded = urllib.parse.urlencode(sorted(fields.items()))  # Go's url.Values.Encode sorts by key
    if cmd.method == "G":
        url = cmd.url + ("&" if "?" in cmd.url else "?") + encoded
        body = None
        method = "GET"
    else:
        url, body, method = cmd.url, encoded.encode("ascii"), "POST"
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    try:
        response = send(method, url, headers, body, **outbound_rules(state))
    except OutboundError as exc:
        if exc.timed_out:
            store.log("info", COMMAND_TIMEOUT)
        return CommandCall(step, method, url, headers, fields, None, str(exc))
    return CommandCall(step, method, url, headers, fields, response)


def parse_command_response(response: OutboundResponse) -> dict[str, Any] | None:
    """``CommandResponseFromHTTPBody``: JSON when the content type says so, else the body is the text."""
    if "application/json" in response.header("Content-Type"):
        try:
            value = json.loads(response.body)
        except (ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None
    text = response.body.decode("utf-8", "replace")
    return {"text": text} if text.strip() else None


def webhook_payload(
    hook: OutgoingHook, team: Team, channel: Channel, user: User, post: Post, trigger_word: str
) -> tuple[str, bytes]:
    """The ``OutgoingWebhookPayload`` of E.2 in the hook's content type: (Content-Type, body)."""
    fields: dict[str, Any] = {
        "token": hook.token,
        "team_id": team.id,
        "team_domain": team.name,
        "channel_id": channel.id,
        "channel_name": channel.name,
        "timestamp": post.create_at,
        "user_id": user.id,
        "user_name": user.username,
        "post_id": post.id,
        "text": post.message,
        "trigger_word": trigger_word,
        "file_ids": "",
    }
    if hook.content_type == "application/json":
        return "application/json", json.dumps(fields).encode("utf-8")
    fields["timestamp"] = post.create_at // 1000
    form = urllib.parse.urlencode(sorted((k, str(v)) for k, v in fields.items()))
    return "application/x-www-form-urlencoded", form.encode("ascii")


def trigger_webhook(state: State, hook: OutgoingHook, content_type: str, body: bytes, post: Post) -> None:
    """Every callback URL in its own thread; the caller waits for all (as the server's goroutines)."""
    store: IntegrationStore = state.integrations
    log_fields = {
        "outgoing_webhook_id": hook.id,
        "post_id": post.id,
        "channel_id": post.channel_id,
        "content_type": hook.content_type,
    }

    def one(url: str) -> None:
        step = token_for(state, url)
        headers = [("Content-Type", content_type), ("Accept", "application/json")]
        if step.connection is not None:
            if step.header is None:
                store.log("error", TOKEN_FAILED, error=step.error, **log_fields)
                store.record_delivery(hook.id, url, sent=False, error=step.error)
                return
            headers.append(("Authorization", step.header))
        try:
            response = send("POST", url, headers, body, **outbound_rules(state))
        except OutboundError as exc:
            store.log("error", WEBHOOK_TIMEOUT if exc.timed_out else WEBHOOK_FAILED, error=str(exc), **log_fields)
            store.record_delivery(hook.id, url, sent=True, error=str(exc))
            return
        store.record_delivery(hook.id, url, sent=True, status=response.status)

    threads = [threading.Thread(target=one, args=(url,), daemon=True) for url in hook.callback_urls]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
