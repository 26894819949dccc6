""" "Try it": the request Mattermost would send to an integration, and what came of it (docs/MATTERMOST.md §5, E).

Pure data and rules: building the request exactly as ``DoCommandRequest`` / ``TriggerWebhook`` build it,
parsing a slash-command answer as Mattermost does, and the outcome with its exit code and ``--json`` shape.
Secrets (the command or webhook token, the access token) are redacted unless a reveal is asked for.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from mmoauth_gui.core.model import Command, IntegrationKind
from mmoauth_gui.core.webhooks import JSON_CONTENT_TYPE, OutgoingWebhook

REDACTED = "[redacted]"
TEST_VALUE_NOTE = "test value: this computer makes it up, the server would send the real one"


class TryOutcome(StrEnum):
    OK = "ok"  # the integration answered 2xx with the OAuth token (or no connection covers the URL)
    TOKEN_FAILED = "token_failed"  # a connection covers the URL but no token came
    NOT_SENT = "not_sent"  # a webhook callback whose token failed: the server does not call it
    REFUSED = "refused"  # the integration answered, but not 2xx
    UNREACHABLE = "unreachable"  # no answer from the integration or the server


class TryExit(IntEnum):
    OK = 0
    FAILED = 1
    UNREACHABLE = 3


@dataclass(frozen=True)
class CallContext:
    """The values that fill the request; ``test_fields`` names those made up on this computer."""

    team_id: str
    team_domain: str
    channel_id: str
    channel_name: str
    user_id: str
    user_name: str
    text: str = ""
    site_url: str = ""
    post_id: str = ""
    timestamp_ms: int = 0
    trigger_id: str = ""
    hook_id: str = ""  # the response_url's id (a command's outgoing-hook id on the server)
    test_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BuiltRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    form: dict[str, str] | None = None
    json_body: dict[str, Any] | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def to_json(self, *, reveal: bool = False, test_fields: frozenset[str] = frozenset()) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "url": self._clean(self.url, reveal),
            "headers": {k: self._clean(v, reveal) for k, v in self.headers},
        }
        if self.form is not None:
            out["form"] = {k: self._clean(v, reveal) for k, v in self.form.items()}
        if self.json_body is not None:
            out["json"] = {k: self._clean(v, reveal) if isinstance(v, str) else v for k, v in self.json_body.items()}
        if test_fields:
            out["test_values"] = sorted(test_fields)
        return out

    def _clean(self, text: str, reveal: bool) -> str:
        if reveal:
            return text
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, REDACTED)
                text = text.replace(urllib.parse.quote_plus(secret), REDACTED)
        return text


def command_request(cmd: Command, command_token: str, ctx: CallContext, authorization: str | None) -> BuiltRequest:
    """``DoCommandRequest`` (E.1): the form fields or query parameters, ``Accept``, ``Content-Type`` for POST,
    ``Authorization: <token_type> <access_token>`` or, without a token, ``Token <command token>``."""
    fields = {
        "token": command_token,
        "team_id": cmd.team_id,
        "team_domain": ctx.team_domain,
        "channel_id": ctx.channel_id,
        "channel_name": ctx.channel_name,
        "user_id": ctx.user_id,
        "user_name": ctx.user_name,
        "command": "/" + cmd.trigger.lower(),
        "text": ctx.text,
        "trigger_id": ctx.trigger_id,
        "root_id": "",
        "response_url": f"{ctx.site_url}/hooks/commands/{ctx.hook_id}",
    }
    encoded = urllib.parse.urlencode(sorted(fields.items()))  # Go's url.Values.Encode sorts the keys
    headers = [("Accept", "application/json")]
    value = authorization or (f"Token {command_token}" if command_token else "")
    if value:
        headers.append(("Authorization", value))
    secrets = tuple(s for s in (command_token, _token_part(authorization)) if s)
    if cmd.method == "G":
        url = cmd.url + ("&" if "?" in cmd.url else "?") + encoded
        return BuiltRequest("GET", url, tuple(headers), b"", fields, None, secrets)
    headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    return BuiltRequest("POST", cmd.url, tuple(headers), encoded.encode("ascii"), fields, None, secrets)


def webhook_request(
    hook: OutgoingWebhook, url: str, hook_token: str, ctx: CallContext, trigger_word: str, authorization: str | None
) -> BuiltRequest:
    """``TriggerWebhook`` (E.2): the payload as JSON (timestamp in ms) when the content type is exactly
    application/json, else a form (timestamp in seconds); ``Authorization`` only with a token."""
    payload: dict[str, Any] = {
        "token": hook_token,
        "team_id": hook.team_id,
        "team_domain": ctx.team_domain,
        "channel_id": ctx.channel_id,
        "channel_name": ctx.channel_name,
        "timestamp": ctx.timestamp_ms,
        "user_id": ctx.user_id,
        "user_name": ctx.user_name,
        "post_id": ctx.post_id,
        "text": ctx.text,
        "trigger_word": trigger_word,
        "file_ids": "",
    }
    secrets = tuple(s for s in (hook_token, _token_part(authorization)) if s)
    headers = [("Content-Type", hook.body_content_type), ("Accept", "application/json")]
    if authorization:
        headers.append(("Authorization", authorization))
    if hook.content_type == JSON_CONTENT_TYPE:
        return BuiltRequest("POST", url, tuple(headers), json.dumps(payload).encode("utf-8"), None, payload, secrets)
    form = {k: str(v) for k, v in payload.items()}
    form["timestamp"] = str(ctx.timestamp_ms // 1000)
    body = urllib.parse.urlencode(sorted(form.items())).encode("ascii")
    return BuiltRequest("POST", url, tuple(headers), body, form, None, secrets)


def _token_part(authorization: str | None) -> str:
    return authorization.partition(" ")[2] if authorization else ""


def parse_command_response(content_type: str, body: bytes) -> dict[str, Any] | None:
    """``CommandResponseFromHTTPBody``: JSON when the content type says so, else the body is the text."""
    if "application/json" in content_type:
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(value, dict):
            return None
        kind = value.get("response_type")
        attachments = value.get("attachments")
        return {
            "response_type": kind if kind in ("in_channel", "ephemeral") else "ephemeral",
            "text": value.get("text") if isinstance(value.get("text"), str) else "",
            "attachments": attachments if isinstance(attachments, list) else [],
            **{k: value[k] for k in ("username", "icon_url", "goto_location", "type") if isinstance(value.get(k), str)},
        }
    text = body.decode("utf-8", "replace")
    return {"response_type": "ephemeral", "text": text, "attachments": []} if text.strip() else None


@dataclass(frozen=True)
class TokenStep:
    """The connection named for the URL and what its token request gave."""

    connection_id: str | None
    connection_name: str = ""
    ok: bool = False
    category: str = ""  # validation categories (ok, oauth_error, http_error, network, config, …)
    explanation: str = ""
    details: dict[str, Any] = field(default_factory=dict)  # the validation's --json fields (no token)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "category": self.category,
            "connection_id": self.connection_id,
            "connection_name": self.connection_name,
            "explanation": self.explanation,
            **{k: v for k, v in self.details.items() if k not in ("ok", "category")},
        }


@dataclass(frozen=True)
class IntegrationAnswer:
    status: int
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    command_response: dict[str, Any] | None = None

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "reason": self.reason, "headers": dict(self.headers)}
        out["body"] = self.body
        if self.command_response is not None:
            out["command_response"] = self.command_response
        return out


@dataclass(frozen=True)
class TryResult:
    """One try of a command or a webhook callback, from this computer or through the server."""

    kind: IntegrationKind
    target: str  # "/deploy" or the webhook's name (callback N)
    through_server: bool
    url: str
    token: TokenStep | None = None  # None: no connection covers the URL (or the server did not say)
    sent: bool = False
    request: BuiltRequest | None = None
    response: IntegrationAnswer | None = None
    error: str = ""  # why nothing was answered
    unreachable: bool = False
    notes: tuple[str, ...] = ()
    server_log: tuple[str, ...] = ()
    test_fields: frozenset[str] = frozenset()

    @property
    def outcome(self) -> TryOutcome:
        if self.unreachable:
            return TryOutcome.UNREACHABLE
        if not self.sent:
            return TryOutcome.NOT_SENT
        if self.token is not None and not self.token.ok:
            return TryOutcome.TOKEN_FAILED
        if self.response is None:
            return TryOutcome.UNREACHABLE
        return TryOutcome.OK if self.response.accepted else TryOutcome.REFUSED

    @property
    def ok(self) -> bool:
        return self.outcome is TryOutcome.OK

    @property
    def exit_code(self) -> TryExit:
        if self.outcome is TryOutcome.OK:
            return TryExit.OK
        return TryExit.UNREACHABLE if self.outcome is TryOutcome.UNREACHABLE else TryExit.FAILED

    def headline(self) -> str:
        where = "through the server" if self.through_server else "from this computer"
        if self.outcome is TryOutcome.OK:
            how = "with the OAuth token" if self.token is not None else "without OAuth (no connection covers it)"
            return f"{self.target} {where}: the integration accepted the request {how}."
        if self.outcome is TryOutcome.NOT_SENT:
            return f"{self.target} {where}: not sent — the token could not be fetched, so the server skips it."
        if self.outcome is TryOutcome.TOKEN_FAILED:
            return f"{self.target} {where}: the token failed; the request went out with the command token."
        if self.outcome is TryOutcome.REFUSED:
            status = self.response.status if self.response else "?"
            return f"{self.target} {where}: the integration refused the request (HTTP {status})."
        return f"{self.target} {where}: no answer — {self.error or 'unreachable'}."

    def to_json(self, *, reveal: bool = False) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "outcome": self.outcome.value,
            "kind": self.kind.value,
            "target": self.target,
            "through_server": self.through_server,
            "url": self.url,
            "connection_id": self.token.connection_id if self.token else None,
            "token": self.token.to_json() if self.token else None,
            "sent": self.sent,
            "request": self.request.to_json(reveal=reveal, test_fields=self.test_fields) if self.request else None,
            "response": self.response.to_json() if self.response else None,
            "error": self.error,
            "notes": list(self.notes),
            "server_log": list(self.server_log),
            "summary": self.headline(),
        }
