"""The sandbox's outgoing webhooks, /commands/execute and /posts against a recording endpoint of the test's own:
every field and header Mattermost sends (docs/MATTERMOST.md E.1, E.2), the command-token fallback, the callback
that is not sent, and the server log lines in the server's words."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from support.recorder import Recorder

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.sandbox.jwt_sign import verify_hs256

COMMAND_FIELDS = {
    "token",
    "team_id",
    "team_domain",
    "channel_id",
    "channel_name",
    "user_id",
    "user_name",
    "command",
    "text",
    "trigger_id",
    "root_id",
    "response_url",
}
WEBHOOK_FIELDS = {
    "token",
    "team_id",
    "team_domain",
    "channel_id",
    "channel_name",
    "timestamp",
    "user_id",
    "user_name",
    "post_id",
    "text",
    "trigger_word",
    "file_ids",
}
TOKEN_FAILED = "Failed to retrieve token for outgoing oauth connection"


@pytest.fixture
def admin(hooks_sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=hooks_sandbox.url,
        headers={"Authorization": f"Bearer {hooks_sandbox.admin_token}"},
        timeout=30,
        trust_env=False,
    ) as client:
        yield client


def _team(sb: Sandbox, name: str) -> str:
    team = sb.state.team_by_name(name)
    assert team is not None
    return team.id


def _channel(sb: Sandbox, team: str, name: str) -> str:
    channel = sb.state.integrations.channel_by_name(_team(sb, team), name)
    assert channel is not None
    return channel.id


def _command_token(sb: Sandbox, trigger: str) -> str:
    return next(c.token for c in sb.state.commands_of_team(_team(sb, "eng")) if c.trigger == trigger)


def _bearer_claims(sb: Sandbox, header: str) -> dict[str, object]:
    scheme, _, token = header.partition(" ")
    assert scheme == "Bearer"
    claims = verify_hs256(token, sb.token_signing_key)
    assert claims is not None, "the integration did not get a token signed by the demo endpoint"
    return claims


def _log(sb: Sandbox) -> list[dict[str, object]]:
    return sb.state.integrations.log_entries()


def test_listing_follows_the_permission_rules_and_pages(hooks_sandbox: Sandbox, admin: httpx.Client) -> None:
    sb = hooks_sandbox
    sb.errors = "developer"  # the 403 names the permission in detailed_error
    eng = _team(sb, "eng")
    hooks = admin.get("/api/v4/hooks/outgoing", params={"team_id": eng}).json()
    assert sorted(h["display_name"] for h in hooks) == ["Form hook", "Notifier"]
    assert all(len(h["token"]) == 26 for h in hooks)
    first = admin.get("/api/v4/hooks/outgoing", params={"team_id": eng, "page": 0, "per_page": 1}).json()
    second = admin.get("/api/v4/hooks/outgoing", params={"team_id": eng, "page": 1, "per_page": 1}).json()
    assert len(first) == len(second) == 1 and first[0]["id"] != second[0]["id"]
    bad_page = admin.get("/api/v4/hooks/outgoing", params={"team_id": eng, "page": "x"}).json()
    assert [h["id"] for h in bad_page] == [h["id"] for h in hooks]  # page "x" reads as 0
    with httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.user_token}"}, trust_env=False) as user:
        own = user.get("/api/v4/hooks/outgoing", params={"team_id": eng}).json()
        assert [h["display_name"] for h in own] == ["Form hook"]  # an integrator sees only its own
        denied = user.get("/api/v4/hooks/outgoing", params={"team_id": _team(sb, "ops")})
        assert denied.status_code == 403
        assert "permission=manage_outgoing_webhooks" in denied.json()["detailed_error"]
    sb.state.integrations.webhooks_enabled = False
    off = admin.get("/api/v4/hooks/outgoing", params={"team_id": eng})
    assert off.status_code == 501 and off.json()["id"] == "api.outgoing_webhook.disabled.app_error"


def test_execute_post_command_sends_every_field_and_the_oauth_token(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    sb = hooks_sandbox
    answer = admin.post(
        "/api/v4/commands/execute",
        json={"channel_id": _channel(sb, "eng", "town-square"), "command": "/Deploy api now"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["response_type"] == "in_channel" and answer.json()["text"] == "recorded"
    assert answer.json()["attachments"] == [{"text": "a"}]
    (got,) = recorder.requests
    assert (got.method, got.path) == ("POST", "/good/deploy")
    assert got.headers["accept"] == "application/json"
    assert got.headers["content-type"] == "application/x-www-form-urlencoded"
    claims = _bearer_claims(sb, got.headers["authorization"])
    assert claims["client_id"] == "mattermost-commands"
    form = got.form()
    assert set(form) == COMMAND_FIELDS
    assert form["token"] == _command_token(sb, "deploy")
    assert form["command"] == "/deploy"  # the trigger, lowercased
    assert form["text"] == "api now"
    assert (form["team_id"], form["team_domain"]) == (_team(sb, "eng"), "eng")
    assert (form["channel_id"], form["channel_name"]) == (_channel(sb, "eng", "town-square"), "town-square")
    assert (form["user_id"], form["user_name"]) == (sb.admin.id, "sysadmin")
    assert form["response_url"].startswith(f"{sb.url}/hooks/commands/") and form["trigger_id"]
    assert form["root_id"] == ""
    assert not [e for e in _log(sb) if e["msg"] == TOKEN_FAILED]


def test_execute_get_command_appends_the_fields_to_the_stored_query(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    sb = hooks_sandbox
    answer = admin.post(
        "/api/v4/commands/execute", json={"channel_id": _channel(sb, "eng", "builds"), "command": "/status"}
    )
    assert answer.status_code == 200, answer.text
    (got,) = recorder.requests
    assert (got.method, got.path, got.body) == ("GET", "/good/status", b"")
    assert got.query["env"] == "prod" and set(got.query) == COMMAND_FIELDS | {"env"}
    assert "content-type" not in got.headers
    _bearer_claims(sb, got.headers["authorization"])


def test_a_refused_token_falls_back_to_the_command_token_and_is_logged(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    sb = hooks_sandbox
    channel = _channel(sb, "eng", "town-square")
    assert admin.post("/api/v4/commands/execute", json={"channel_id": channel, "command": "/broken"}).status_code == 200
    assert admin.post("/api/v4/commands/execute", json={"channel_id": channel, "command": "/plain"}).status_code == 200
    broken, plain = recorder.requests
    assert broken.headers["authorization"] == f"Token {_command_token(sb, 'broken')}"
    assert plain.headers["authorization"] == f"Token {_command_token(sb, 'plain')}"
    failures = [e for e in _log(sb) if e["msg"] == TOKEN_FAILED]
    assert len(failures) == 1 and "invalid_client" in str(failures[0]["error"])  # the plain one is not a failure


def test_an_integration_refusal_is_failed_resp_with_its_body(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    recorder.status = 403
    hooks_sandbox.errors = "developer"  # the integration's body travels in detailed_error
    answer = admin.post(
        "/api/v4/commands/execute",
        json={"channel_id": _channel(hooks_sandbox, "eng", "town-square"), "command": "/deploy"},
    )
    assert answer.status_code == 500
    body = answer.json()
    assert body["id"] == "api.command.execute_command.failed_resp.app_error"
    assert body["message"] == "Command with a trigger of 'deploy' returned response 403 Forbidden."
    assert json.loads(body["detailed_error"])["text"] == "recorded"
    unknown = admin.post(
        "/api/v4/commands/execute",
        json={"channel_id": _channel(hooks_sandbox, "eng", "town-square"), "command": "/nope"},
    )
    assert unknown.status_code == 404 and unknown.json()["id"] == "api.command.execute_command.not_found.app_error"


def test_a_post_fires_each_callback_and_skips_the_one_whose_token_fails(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    sb = hooks_sandbox
    channel = _channel(sb, "eng", "town-square")
    before_ms = int(time.time() * 1000)
    posted = admin.post("/api/v4/posts", json={"channel_id": channel, "message": "ship it today"})
    assert posted.status_code == 201
    post = posted.json()
    deliveries = sb.state.integrations.wait_deliveries(3)
    assert {d["url"].rsplit("/", 2)[-2] for d in deliveries if d["sent"]} == {"good", "none"}
    assert [d for d in deliveries if not d["sent"]][0]["url"].endswith("/bad/notify")
    got = {r.path: r for r in recorder.wait(2)}
    assert set(got) == {"/good/notify", "/none/notify"}  # /bad/notify: not sent at all
    good, plain = got["/good/notify"], got["/none/notify"]
    _bearer_claims(sb, good.headers["authorization"])
    assert "authorization" not in plain.headers  # no connection: no Authorization, and never a Token header
    for request in (good, plain):
        assert request.headers["content-type"] == "application/json"
        assert request.headers["accept"] == "application/json"
        payload = request.json()
        assert set(payload) == WEBHOOK_FIELDS
        hook = next(h for h in sb.state.integrations.hooks() if h.display_name == "Notifier")
        assert payload["token"] == hook.token
        assert (payload["post_id"], payload["text"], payload["trigger_word"]) == (post["id"], "ship it today", "ship")
        assert (payload["channel_name"], payload["team_domain"], payload["user_name"]) == (
            "town-square",
            "eng",
            "sysadmin",
        )
        assert payload["timestamp"] >= before_ms  # milliseconds for JSON
        assert payload["file_ids"] == ""
    (failure,) = [e for e in _log(sb) if e["msg"] == TOKEN_FAILED]
    assert failure["outgoing_webhook_id"] == hook.id and failure["post_id"] == post["id"]
    assert failure["channel_id"] == channel and failure["content_type"] == "application/json"
    lines = admin.get("/api/v4/logs").json()
    assert any(TOKEN_FAILED in line and hook.id in line for line in lines)


def test_a_form_webhook_fires_only_in_its_channel_with_seconds(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    sb = hooks_sandbox
    admin.post("/api/v4/posts", json={"channel_id": _channel(sb, "eng", "town-square"), "message": "builder up"})
    admin.post("/api/v4/posts", json={"channel_id": _channel(sb, "eng", "builds"), "message": "builder up"})
    (got,) = recorder.wait(1)
    time.sleep(0.3)  # a wrong second call would arrive by now
    assert len(recorder.requests) == 1
    assert got.path == "/good/form"
    assert got.headers["content-type"] == "application/x-www-form-urlencoded"
    form = got.form()
    assert set(form) == WEBHOOK_FIELDS
    assert form["trigger_word"] == "build"  # trigger_when 1: the first word starts with it
    assert abs(int(form["timestamp"]) - time.time()) < 60  # seconds for a form


def test_internal_integration_refused_unless_allowed(
    hooks_sandbox: Sandbox, admin: httpx.Client, recorder: Recorder
) -> None:
    sb = hooks_sandbox
    sb.state.settings["ServiceSettings.AllowedUntrustedInternalConnections"] = "10.0.0.0/8"
    channel = _channel(sb, "eng", "town-square")
    answer = admin.post("/api/v4/commands/execute", json={"channel_id": channel, "command": "/plain"})
    assert answer.status_code == 500 and answer.json()["id"] == "api.command.execute_command.failed.app_error"
    assert recorder.requests == []
    sb.state.settings["ServiceSettings.AllowedUntrustedInternalConnections"] = "127.0.0.1"  # the host itself
    assert admin.post("/api/v4/commands/execute", json={"channel_id": channel, "command": "/plain"}).status_code == 200
    assert len(recorder.requests) == 1
