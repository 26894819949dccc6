"""Server-side validation (``POST …/validate``) against the sandbox, in the same result shape as the desktop's.

The sandbox runs in developer mode here: these tests read the reason the server gives in ``detailed_error``.
Without it (production, hardened): test_server_validation_production.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from validation_support import FaultServer

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import Category, ValidationResult
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import BadRequest, ServerError
from mmoauth_gui.services.validation.bulk import bulk_on_server
from mmoauth_gui.services.validation.server import (
    SERVER_OK_HINT,
    oauth_error_in,
    result_from_error,
    validate_on_server,
    validate_stored_on_server,
)

T = TypeVar("T")


@pytest.fixture(autouse=True)
def developer_mode(sandbox: Sandbox) -> None:
    sandbox.errors = "developer"


def on(url: str, token: str, action: Callable[[MattermostClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with make_http_client() as http:
            return await action(MattermostClient(url, token, http))

    return asyncio.run(go())


def demo_conn(sb: Sandbox, **changes: Any) -> Connection:
    client = sb.demo_clients[0]
    base = Connection(
        name="Try",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        oauth_token_url=sb.token_url,
        audiences=("https://ci.example.com/hooks/*",),
    )
    return base.with_changes(**changes)


def validate(sb: Sandbox, conn: Connection, token: str | None = None) -> ValidationResult:
    return on(sb.url, token or sb.admin_token, lambda c: validate_on_server(c, conn))


def stored(sb: Sandbox, name: str) -> Connection:
    return next(c for c in sb.state.connections() if c.name == name)


def test_demo_client_validates_on_the_server(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox))

    assert result.ok and result.category == "ok" and result.source == "server"
    assert result.http_status == 200 and result.hint == SERVER_OK_HINT
    assert result.token_url == sandbox.token_url and result.checked_at and result.elapsed_ms >= 0
    assert result.access_token is None and result.token_preview is None  # the server never returns it
    assert sandbox.token_requests[-1]["auth_method"] == "client_secret_post"


def test_wrong_secret_is_explained_with_the_servers_detail(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox, client_secret="wrong-secret-typed"))

    assert not result.ok and result.category == Category.OAUTH_ERROR and result.http_status == 400
    assert result.error == "invalid_client" and result.error_description == "Client authentication failed."
    assert result.detailed_error and 'oauth2: "invalid_client"' in result.detailed_error
    assert result.hint.startswith("The Mattermost server asked the token endpoint for a token and was refused.")
    assert "client ID or secret is wrong" in result.hint
    assert "wrong-secret-typed" not in str(result.to_json())


def test_unauthorized_client_through_the_server(sandbox: Sandbox) -> None:
    legacy = next(c for c in sandbox.demo_clients if "client_credentials" not in c["grant_types"])
    result = validate(sandbox, demo_conn(sandbox, client_id=legacy["client_id"], client_secret=legacy["client_secret"]))
    assert result.error == "unauthorized_client" and "not allowed to use the client credentials grant" in result.hint


def test_stored_secret_is_used(sandbox: Sandbox) -> None:
    ci = stored(sandbox, "CI Hooks")
    blank = ci.with_changes(client_secret="")
    result = on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, blank))
    assert result.ok

    standup = stored(sandbox, "Standup Bot")  # stored with a secret the endpoint does not know
    refused = on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, standup))
    assert refused.error == "invalid_client"


def test_stored_validation_needs_a_saved_connection(sandbox: Sandbox) -> None:
    result = on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, demo_conn(sandbox)))
    assert result.category == Category.CONFIG and "not saved on the server" in result.hint and result.source == "server"


def test_stored_connection_gone_from_the_server(sandbox: Sandbox) -> None:
    gone = demo_conn(sandbox, id="a" * 26)
    result = on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, gone))

    assert result.category == Category.HTTP_ERROR and result.http_status == 500
    assert "was not found on the server" in result.hint
    assert result.detailed_error and "not found" in result.detailed_error


def test_502_unreachable_token_endpoint(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url=sandbox.unreachable_token_url))

    assert result.category == Category.NETWORK and result.http_status == 502
    assert "could not reach the token endpoint (HTTP 502)" in result.hint and "connection was refused" in result.hint
    assert result.detailed_error and "refused" in result.detailed_error.lower()


def test_502_unresolvable_token_host(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url="https://idp.mmoauth-test.invalid/token"))
    assert result.category == Category.NETWORK and result.http_status == 502
    assert "cannot resolve the host name" in result.hint


def test_502_untrusted_certificate_on_the_server(sandbox: Sandbox, tls_server: FaultServer) -> None:
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url=f"{tls_server.url}/token-delay/0"))

    assert result.category == Category.TLS and result.http_status == 502
    assert "Mattermost server's system trust store" in result.hint


def test_token_endpoint_answering_html(sandbox: Sandbox, faults: FaultServer) -> None:
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url=f"{faults.url}/html"))
    assert result.category == Category.INVALID_RESPONSE and "without an access token" in result.hint


def test_token_endpoint_not_found(sandbox: Sandbox, faults: FaultServer) -> None:
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url=f"{faults.url}/missing"))
    assert result.category == Category.HTTP_ERROR and result.http_status == 400
    assert "which answered HTTP 404" in result.hint and "not a token endpoint" in result.hint


def test_501_feature_off_and_unlicensed(sandbox: Sandbox) -> None:
    sandbox.feature = "off"
    off = validate(sandbox, demo_conn(sandbox))
    assert off.category == Category.HTTP_ERROR and off.http_status == 501
    assert "not available there (HTTP 501)" in off.hint and "EnableOutgoingOAuthConnections" in off.hint

    sandbox.feature = "unlicensed"
    unlicensed = validate(sandbox, demo_conn(sandbox))
    assert unlicensed.http_status == 501 and "Enterprise licence" in unlicensed.hint


def test_403_without_the_permission(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox), token=sandbox.user_token)

    assert result.category == Category.HTTP_ERROR and result.http_status == 403
    assert "refused to validate (HTTP 403)" in result.hint and "manage_outgoing_oauth_connections" in result.hint


def test_401_sign_in_no_longer_valid(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox), token="not-a-valid-session-token")
    assert result.category == Category.HTTP_ERROR and result.http_status == 401
    assert "did not accept the sign-in" in result.hint and "Sign in again" in result.hint


def test_mattermost_server_unreachable(refused_url: str) -> None:
    base = refused_url.rsplit("/", 1)[0]
    conn = Connection(name="x", client_id="c", client_secret="s", oauth_token_url="https://idp.example.com/token")
    result = on(base, "token", lambda c: validate_on_server(c, conn))

    assert result.category == Category.NETWORK and result.http_status is None
    assert result.hint.startswith("The Mattermost server was not reached, so nothing was validated.")


def test_config_problems_are_caught_before_asking(sandbox: Sandbox) -> None:
    before = len(sandbox.token_requests)
    result = validate(sandbox, demo_conn(sandbox, client_id="", oauth_token_url="ftp://x"))

    assert result.category == Category.CONFIG and result.source == "server"
    assert "Client ID is required." in result.hint and "not ftp://" in result.hint
    assert len(sandbox.token_requests) == before


def test_bulk_on_the_server(sandbox: Sandbox) -> None:
    connections = {c.id: c for c in sandbox.state.connections()}
    progress: list[str] = []

    async def go(client: MattermostClient) -> dict[str, ValidationResult]:
        bulk = bulk_on_server(client, connections, concurrency=4, on_progress=lambda d, t, k, r: progress.append(k))
        return await bulk.run()

    results = on(sandbox.url, sandbox.admin_token, go)
    by_name = {connections[k].name: r for k, r in results.items()}

    assert sorted(progress) == sorted(connections) and len(results) == len(connections)
    assert by_name["CI Hooks"].ok and by_name["Reports"].ok
    assert by_name["Standup Bot"].error == "invalid_client"
    assert by_name["Billing"].category == Category.NETWORK
    assert all(r.source == "server" for r in results.values())


def test_detailed_error_parsing() -> None:
    assert oauth_error_in('oauth2: "invalid_scope" "Allowed: a b."') == ("invalid_scope", "Allowed: a b.")
    assert oauth_error_in(
        'oauth2: cannot fetch token: 400\nResponse: {"error":"invalid_grant","error_description":"bad \\"pw\\""}'
    ) == ("invalid_grant", 'bad "pw"')
    assert oauth_error_in('Post "https://x": dial tcp: connection refused') == (None, None)
    detail = "oauth2: cannot fetch token: 405 Method Not Allowed\nResponse: x"
    go_style = BadRequest("", status=400, detailed_error=detail)
    not_allowed = result_from_error(go_style, Connection())
    assert not_allowed.category == Category.HTTP_ERROR and "which answered HTTP 405" in not_allowed.hint
    timeout = ServerError("", status=502, detailed_error='Post "https://x": context deadline exceeded')
    result = result_from_error(timeout, Connection())
    assert result.category == Category.TIMEOUT and "no answer in time" in result.hint
