"""The request "try it" builds is the server's (docs/MATTERMOST.md E.1, E.2); outcomes map to exit codes."""

from __future__ import annotations

import json
import urllib.parse

from mmoauth_gui.core.model import Command, IntegrationKind
from mmoauth_gui.core.tryit import (
    CallContext,
    IntegrationAnswer,
    TokenStep,
    TryExit,
    TryOutcome,
    TryResult,
    command_request,
    parse_command_response,
    webhook_request,
)
from mmoauth_gui.core.webhooks import OutgoingWebhook

CTX = CallContext(
    team_id="t1",
    team_domain="eng",
    channel_id="ch1",
    channel_name="town-square",
    user_id="u1",
    user_name="ada",
    text="now please",
    site_url="https://mm.example.com",
    post_id="p1",
    timestamp_ms=1_700_000_123_456,
    trigger_id="trig",
    hook_id="hk",
    test_fields=frozenset({"channel_id"}),
)
POST = Command(id="c1", team_id="t1", trigger="Deploy", url="https://ci.example.com/deploy")
GET = Command(id="c2", team_id="t1", trigger="status", url="https://ci.example.com/s?env=prod", method="G")


def test_a_post_command_with_a_token_replaces_the_command_token() -> None:
    req = command_request(POST, "cmdtok", CTX, "bearer abc.def")
    assert req.method == "POST" and req.url == POST.url
    assert dict(req.headers) == {
        "Accept": "application/json",
        "Authorization": "bearer abc.def",  # exactly token_type + " " + token: a lowercase type stays
        "Content-Type": "application/x-www-form-urlencoded",
    }
    form = {k: v[0] for k, v in urllib.parse.parse_qs(req.body.decode(), keep_blank_values=True).items()}
    assert form == req.form
    assert form["command"] == "/deploy" and form["token"] == "cmdtok" and form["text"] == "now please"
    assert form["response_url"] == "https://mm.example.com/hooks/commands/hk"
    assert req.body.decode().startswith("channel_id=")  # Go's Encode sorts keys


def test_without_a_token_the_command_token_goes_in_the_header_and_get_appends_to_the_query() -> None:
    req = command_request(GET, "cmdtok", CTX, None)
    assert req.method == "GET" and req.body == b""
    assert req.url.startswith("https://ci.example.com/s?env=prod&channel_id=ch1&")
    assert dict(req.headers) == {"Accept": "application/json", "Authorization": "Token cmdtok"}


def test_redaction_hides_both_tokens_unless_revealed() -> None:
    req = command_request(GET, "cmdtok", CTX, "Bearer secret-access")
    shown = json.dumps(req.to_json())
    assert "cmdtok" not in shown and "secret-access" not in shown
    assert req.to_json()["headers"]["Authorization"] == "Bearer [redacted]"
    assert "cmdtok" in req.to_json(reveal=True)["url"]


def test_webhook_payload_json_in_milliseconds_form_in_seconds() -> None:
    hook = OutgoingWebhook(
        id="h1", team_id="t1", callback_urls=("https://x.example.com/a",), content_type="application/json"
    )
    req = webhook_request(hook, "https://x.example.com/a", "hooktok", CTX, "ship", None)
    assert dict(req.headers) == {"Content-Type": "application/json", "Accept": "application/json"}
    body = json.loads(req.body)
    assert body["timestamp"] == 1_700_000_123_456 and body["trigger_word"] == "ship" and body["file_ids"] == ""
    form_hook = OutgoingWebhook(id="h1", team_id="t1", content_type="application/json; charset=utf-8")
    req = webhook_request(form_hook, "https://x.example.com/a", "hooktok", CTX, "ship", "Bearer t")
    assert req.header("Content-Type") == "application/x-www-form-urlencoded"  # not exactly application/json
    assert req.form is not None and req.form["timestamp"] == "1700000123"
    assert req.header("Authorization") == "Bearer t"


def test_command_answers_are_parsed_as_mattermost_does() -> None:
    parsed = parse_command_response("application/json", b'{"response_type":"in_channel","text":"hi","attachments":[1]}')
    assert parsed == {"response_type": "in_channel", "text": "hi", "attachments": [1]}
    assert parse_command_response("text/plain", b"plain words") == {
        "response_type": "ephemeral",
        "text": "plain words",
        "attachments": [],
    }
    assert parse_command_response("text/plain", b"  ") is None
    assert parse_command_response("application/json", b"[1]") is None


def test_outcomes_and_exit_codes() -> None:
    ok_token = TokenStep("c1", "CI", ok=True, category="ok")
    bad_token = TokenStep("c1", "CI", ok=False, category="oauth_error")
    answer = IntegrationAnswer(200)

    def result(**kw: object) -> TryResult:
        base: dict[str, object] = {"kind": IntegrationKind.COMMAND, "target": "/x", "through_server": False, "url": "u"}
        return TryResult(**{**base, **kw})  # type: ignore[arg-type]

    assert result(token=ok_token, sent=True, response=answer).exit_code is TryExit.OK
    assert result(token=None, sent=True, response=IntegrationAnswer(204)).exit_code is TryExit.OK
    assert result(token=bad_token, sent=True, response=answer).outcome is TryOutcome.TOKEN_FAILED
    assert result(token=ok_token, sent=True, response=IntegrationAnswer(401)).outcome is TryOutcome.REFUSED
    assert result(token=bad_token, sent=False).exit_code is TryExit.FAILED
    assert result(sent=True, unreachable=True, error="refused").exit_code is TryExit.UNREACHABLE
    data = result(token=ok_token, sent=True, response=answer).to_json()
    assert set(data) >= {"ok", "kind", "connection_id", "token", "sent", "request", "response"}
