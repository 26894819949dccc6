"""Every error the client maps, from the sandbox or from small loopback servers for the faults it lacks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from mmoauth_gui.core.model import Connection
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost import client as mattermost
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import (
    AudienceTaken,
    BadRequest,
    CommandsDisabled,
    FeatureDisabled,
    FeatureFlagOff,
    InvalidResponse,
    LicenseRequired,
    MattermostError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RuleViolated,
    ServerError,
    ServerTooOld,
    Unreachable,
)

UNKNOWN_ID = "a" * 26


def fails(
    factory: Callable[[MattermostClient], Coroutine[Any, Any, Any]],
    url: str,
    token: str,
    *,
    timeout: float = 10.0,
    client: Callable[[], httpx.AsyncClient] | None = None,
) -> MattermostError:
    """The MattermostError that ``factory(client)`` raises (the test fails if it raises none)."""

    async def main() -> MattermostError:
        async with client() if client else httpx.AsyncClient(timeout=timeout) as http:
            try:
                await factory(MattermostClient(url, token, http))
            except MattermostError as exc:
                return exc
        raise AssertionError("no MattermostError raised")

    return asyncio.run(main())


def assert_no_secret(error: MattermostError, *secrets: str) -> None:
    text = str(error) + repr(error) + error.user_message + str(error.args)
    for secret in secrets:
        assert secret not in text


def a_connection(sb: Any, **changes: Any) -> Connection:
    creds = sb.demo_clients[0]
    return Connection(
        name="Errors",
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        oauth_token_url=sb.token_url,
        audiences=("https://errors.example.com/x",),
    ).with_changes(**changes)


# ---- from the sandbox --------------------------------------------------------------------------


def test_revoked_token_is_not_authenticated(sandbox: Any) -> None:
    token = sandbox.admin_token
    sandbox.state.revoke_token(token)
    error = fails(lambda c: c.list_connections(), sandbox.url, token)
    assert type(error) is NotAuthenticated and error.status == 401
    assert error.error_id == "api.context.session_expired.app_error"
    assert "personal access token" in error.user_message and "Sign in again" in error.user_message
    assert_no_secret(error, token)


@pytest.mark.parametrize("errors", ["production", "developer"])
def test_team_only_user_is_denied_writes_with_the_permission_named(sandbox: Any, errors: str) -> None:
    sandbox.errors = errors
    error = fails(lambda c: c.create_connection(a_connection(sandbox)), sandbox.url, sandbox.user_token)
    assert isinstance(error, PermissionDenied) and error.status == 403
    # the server names the permission only in developer mode; the advice names it always
    assert error.permission == ("manage_outgoing_oauth_connections" if errors == "developer" else "")
    assert "manage_outgoing_oauth_connections" in error.user_message
    assert_no_secret(error, sandbox.user_token, sandbox.demo_clients[0]["client_secret"])


def test_team_only_user_listing_without_a_team_is_told_about_team_permissions(sandbox: Any) -> None:
    error = fails(lambda c: c.list_connections(), sandbox.url, sandbox.user_token)
    assert isinstance(error, PermissionDenied)
    assert "manage_slash_commands" in error.user_message and "manage_outgoing_webhooks" in error.user_message
    assert "team" in error.user_message


def test_team_only_user_is_denied_a_team_where_it_is_only_a_member(sandbox: Any) -> None:
    support = sandbox.state.team_by_name("support").id
    error = fails(lambda c: c.list_connections(support), sandbox.url, sandbox.user_token)
    assert isinstance(error, PermissionDenied)


def test_permission_is_checked_before_the_feature_gate(sandbox: Any) -> None:
    sandbox.feature = "off"
    error = fails(lambda c: c.create_connection(a_connection(sandbox)), sandbox.url, sandbox.user_token)
    assert isinstance(error, PermissionDenied)


def test_feature_off_says_which_setting_to_turn_on(sandbox: Any) -> None:
    sandbox.feature = "off"
    error = fails(lambda c: c.list_connections(), sandbox.url, sandbox.admin_token)
    assert type(error) is FeatureDisabled and error.status == 501
    assert "ServiceSettings.EnableOutgoingOAuthConnections = true" in error.user_message
    assert "System Console" in error.user_message


def test_unlicensed_server_needs_enterprise(sandbox: Any) -> None:
    sandbox.feature = "unlicensed"
    error = fails(lambda c: c.get_connection(UNKNOWN_ID), sandbox.url, sandbox.admin_token)
    assert type(error) is LicenseRequired and error.status == 501
    assert "Enterprise" in error.user_message


def test_commands_disabled(sandbox: Any) -> None:
    sandbox.state.commands_enabled = False
    team = sandbox.state.team_by_name("engineering").id
    error = fails(lambda c: c.commands(team), sandbox.url, sandbox.admin_token)
    assert type(error) is CommandsDisabled and error.status == 501
    assert "EnableCommands" in error.user_message


def test_commands_without_permission(sandbox: Any) -> None:
    support = sandbox.state.team_by_name("support").id
    error = fails(lambda c: c.commands(support), sandbox.url, sandbox.user_token)
    assert isinstance(error, PermissionDenied) and "manage_slash_commands" in error.user_message


def test_rule_violation_carries_the_servers_detailed_error(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    sb.errors = "developer"
    secret = sb.demo_clients[0]["client_secret"]
    error = fails(lambda c: c.create_connection(a_connection(sb, name="n" * 65)), sb.url, sb.admin_token)
    assert type(error) is RuleViolated and error.status == 500
    assert error.detailed_error and error.detailed_error in error.user_message
    assert "rule" in error.user_message
    assert_no_secret(error, secret, sb.admin_token)


@pytest.mark.parametrize("errors", ["production", "hardened"])
def test_a_broken_rule_is_explained_without_the_servers_detail(empty_sandbox: Any, errors: str) -> None:
    sb = empty_sandbox
    sb.errors = errors
    error = fails(lambda c: c.create_connection(a_connection(sb, name="n" * 65)), sb.url, sb.admin_token)
    assert type(error) is RuleViolated and error.status == 500 and not error.detailed_error
    assert "Name must be at most 64 characters" in error.user_message
    assert "does not say which" in error.user_message


def test_rule_violation_on_update(empty_sandbox: Any) -> None:
    sb = empty_sandbox

    async def scenario(c: MattermostClient) -> None:
        created = await c.create_connection(a_connection(sb))
        await c.update_connection(created.with_changes(oauth_token_url="ftp://nope.example.com/token"))

    error = fails(scenario, sb.url, sb.admin_token)
    assert type(error) is RuleViolated and not error.detailed_error
    assert "not ftp://" in error.user_message


def test_a_duplicate_audience_names_the_connection_that_has_it(sandbox: Any) -> None:
    holder = sandbox.state.connections()[0]
    taken = holder.audiences[0]
    error = fails(
        lambda c: c.create_connection(a_connection(sandbox, audiences=(taken,))), sandbox.url, sandbox.admin_token
    )
    assert type(error) is AudienceTaken and not error.detailed_error
    assert (error.audience, error.holder_id) == (taken, holder.id)
    assert f"“{holder.name}”" in error.user_message and taken in error.user_message


def test_an_unexplained_refusal_says_where_to_look(sandbox: Any) -> None:
    sandbox.errors, sandbox.licence = "hardened", "advanced"  # the 501 licence gate, hidden as a bare 500
    error = fails(lambda c: c.create_connection(a_connection(sandbox)), sandbox.url, sandbox.admin_token)
    assert type(error) is ServerError and error.status == 500 and error.error_id == ""
    assert "hardened mode" in error.user_message
    assert "There was an error while creating the outgoing OAuth connection." in error.user_message
    assert error.request_id and error.request_id in error.user_message


def test_bad_request_for_a_malformed_id(sandbox: Any) -> None:
    error = fails(lambda c: c.delete_connection("not-an-id"), sandbox.url, sandbox.admin_token)
    assert type(error) is BadRequest and error.status == 400


def test_not_found_is_recognised_in_the_servers_500(sandbox: Any) -> None:
    for factory in (
        lambda c: c.get_connection(UNKNOWN_ID),
        lambda c: c.delete_connection(UNKNOWN_ID),
        lambda c: c.update_connection(a_connection(sandbox, id=UNKNOWN_ID)),
    ):
        error = fails(factory, sandbox.url, sandbox.admin_token)
        assert type(error) is NotFound and error.status == 500
        assert not error.detailed_error and "deleted meanwhile" in error.user_message


def test_unknown_route_means_a_server_too_old(sandbox: Any) -> None:
    probe = "/api/v4/no/such/route"
    error = fails(lambda c: c._call("GET", probe, operation="probe"), sandbox.url, sandbox.admin_token)
    assert type(error) is ServerTooOld and "9.6" in error.user_message


# ---- no answer at all --------------------------------------------------------------------------


def test_refused_port_is_unreachable(closed_port: int) -> None:
    error = fails(lambda c: c.ping(), f"http://127.0.0.1:{closed_port}", "tok-refused-xyz")
    assert isinstance(error, Unreachable) and error.reason == "connection" and error.status is None
    assert "refused" in error.user_message and f"127.0.0.1:{closed_port}" in error.user_message
    assert_no_secret(error, "tok-refused-xyz")


def test_silent_server_times_out(silent_port: int) -> None:
    error = fails(lambda c: c.list_connections(), f"http://127.0.0.1:{silent_port}", "tok", timeout=0.5)
    assert isinstance(error, Unreachable) and error.reason == "timeout"
    assert "did not answer in time" in error.user_message


def test_untrusted_tls_says_how_to_trust_an_internal_ca(loopback: Any, self_signed: Any) -> None:
    server = loopback(
        lambda m, p, q: (200, {"status": "OK"}, {"X-Version-Id": "10.0.0.1.abc.true"}), tls=self_signed.server_context
    )
    error = fails(lambda c: c.ping(), server.url, "tok", client=make_http_client)
    assert isinstance(error, Unreachable) and error.reason == "tls"
    assert "CA file" in error.user_message and "certificate" in error.user_message.lower()

    async def trusted() -> Any:
        async with make_http_client(ca_file=self_signed.cert_file) as http:
            return await MattermostClient(server.url, "tok", http).ping()

    info = asyncio.run(trusted())
    assert info.status == "OK" and info.version == "10.0.0"


# ---- odd answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b"<html>Sign in to the proxy</html>", InvalidResponse),
        (200, {"not": "a list"}, InvalidResponse),
        (200, [1, 2], InvalidResponse),
        (502, b"<html>Bad Gateway</html>", ServerError),
        (503, {"id": "x", "message": "maintenance", "status_code": 503}, ServerError),
        (
            501,
            {"id": "api.context.outgoing_oauth_connection.not_available.feature_flag", "status_code": 501},
            FeatureFlagOff,
        ),
        (404, {"id": "api.context.404.app_error", "message": "Sorry, we could not find the page."}, ServerTooOld),
    ],
)
def test_odd_answers(loopback: Any, status: int, body: Any, expected: type[MattermostError]) -> None:
    server = loopback(lambda m, p, q: (status, body, {}))
    error = fails(lambda c: c.list_connections(), server.url, "tok")
    assert type(error) is expected
    assert error.status == status
    assert error.user_message


def test_redirect_is_not_followed_and_says_which_address_to_use(loopback: Any) -> None:
    server = loopback(lambda m, p, q: (301, b"", {"Location": "https://elsewhere.example.com/api/v4/system/ping"}))
    error = fails(lambda c: c.ping(), server.url, "tok", client=make_http_client)
    assert isinstance(error, InvalidResponse) and error.status == 301
    assert "redirect" in error.user_message


def test_a_cursor_that_never_advances_stops_with_a_message(loopback: Any) -> None:
    page = [{"id": f"{i:026d}", "name": f"c{i}"} for i in range(100)]
    server = loopback(lambda m, p, q: (200, page, {}))
    error = fails(lambda c: c.list_connections(), server.url, "tok")
    assert isinstance(error, InvalidResponse)
    assert "does not advance" in error.user_message and "incomplete" in error.user_message
    assert len(server.requests) == 2
    assert server.requests[1][2]["from_id"] == page[-1]["id"]


def test_a_cursor_that_never_ends_stops_after_the_page_limit(loopback: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mattermost, "MAX_PAGES", 4)

    def endless(method: str, path: str, query: dict[str, str]) -> Any:
        start = int(query.get("from_id") or "0") + 1
        return 200, [{"id": f"{start + i:026d}", "name": "x"} for i in range(100)], {}

    server = loopback(endless)
    error = fails(lambda c: c.list_connections(), server.url, "tok")
    assert isinstance(error, InvalidResponse) and "kept sending full pages" in error.user_message
    assert len(server.requests) == 4


def test_audience_query_null_and_errors_mean_no_connection(loopback: Any) -> None:
    answers: list[tuple[int, Any]] = [
        (200, [None]),
        (200, []),
        (200, None),
        (500, {"id": "api.context.outgoing_oauth_connection.list_connections.app_error", "status_code": 500}),
        (404, {"id": "store.sql_outgoing_oauth_connection.get.not_found", "status_code": 404}),
        (400, {"id": "api.context.invalid_param.app_error", "status_code": 400}),
    ]
    queue = list(answers)
    server = loopback(lambda m, p, q: (*queue.pop(0), {}))

    async def main() -> list[Any]:
        async with httpx.AsyncClient(timeout=5.0) as http:
            client = MattermostClient(server.url, "tok", http)
            return [await client.connection_for_audience("https://a.example.com/x", "team1") for _ in answers]

    assert asyncio.run(main()) == [None] * len(answers)
    assert all(q == {"team_id": "team1", "audience": "https://a.example.com/x"} for _, _, q in server.requests)


def test_audience_query_still_raises_when_the_question_could_not_be_asked(loopback: Any) -> None:
    server = loopback(lambda m, p, q: (401, {"id": "api.context.session_expired.app_error", "status_code": 401}, {}))
    error = fails(lambda c: c.connection_for_audience("https://a.example.com/x"), server.url, "tok")
    assert isinstance(error, NotAuthenticated)


def test_audience_query_rate_limited_is_not_taken_for_no_connection(loopback: Any) -> None:
    body = {"id": "api.context.rate_limit.app_error", "message": "Too many requests", "status_code": 429}
    server = loopback(lambda m, p, q: (429, body, {"Retry-After": "1"}))
    error = fails(lambda c: c.connection_for_audience("https://a.example.com/x"), server.url, "tok")
    assert error.status == 429


def test_a_server_echoing_secrets_does_not_leak_them(loopback: Any) -> None:
    def echo(method: str, path: str, query: dict[str, str]) -> Any:
        detail = "oauth2: cannot fetch token: 400\nResponse: client_id=c&client_secret=posted-secret-42 tok-echo-99"
        return 400, {"id": "x", "message": "tok-echo-99 refused", "detailed_error": detail, "status_code": 400}, {}

    server = loopback(echo)
    conn = Connection(
        name="n",
        client_id="c",
        client_secret="posted-secret-42",
        oauth_token_url="https://i/t",
        audiences=("https://a/x",),
    )
    error = fails(lambda c: c.validate_connection(conn), server.url, "tok-echo-99")
    assert isinstance(error, BadRequest)
    assert_no_secret(error, "posted-secret-42", "tok-echo-99")
    assert "cannot fetch token" in error.user_message
