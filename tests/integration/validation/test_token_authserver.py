"""The token client against a real Authlib authorization server: Mattermost's request, Basic, auto, every RFC code."""

from __future__ import annotations

import base64
import logging
from urllib.parse import unquote

import pytest
from authserver import PASSWORD, SECRET, AuthServer
from validation_support import check

from mmoauth_gui.core.validation.jwt_inspect import NOT_VERIFIED
from mmoauth_gui.core.validation.result import Category
from mmoauth_gui.services.token.client import TokenRequest, basic_authorization


def req(server: AuthServer, client_id: str, **kw: object) -> TokenRequest:
    return TokenRequest(token_url=server.token_url, client_id=client_id, client_secret=SECRET, **kw)  # type: ignore[arg-type]


def test_mattermost_request_gets_a_jwt_token(auth: AuthServer) -> None:
    result = check(req(auth, "post-client"))

    assert result.ok and result.category == "ok"
    assert result.auth_method == "client_secret_post"
    assert result.mattermost_compatible is True
    assert result.http_status == 200
    assert result.token_type == "Bearer" and result.expires_in and result.expires_in > 0
    assert "exactly the way Mattermost asks" in result.hint
    assert result.elapsed_ms >= 0 and result.checked_at.endswith("Z")
    # exactly what Mattermost sends: a form with grant_type, client_id, client_secret; no scope/audience/header
    (sent,) = auth.requests
    assert sent["method"] == "POST"
    assert sent["form"] == {"grant_type": "client_credentials", "client_id": "post-client", "client_secret": SECRET}
    assert sent["authorization"] is False


def test_jwt_access_token_is_inspected_not_verified(auth: AuthServer) -> None:
    result = check(req(auth, "post-client"))

    assert result.jwt_header == {"typ": "at+jwt", "alg": "RS256"}
    assert result.claims is not None
    assert result.claims["iss"] == auth.issuer and result.claims["client_id"] == "post-client"
    assert result.claims["aud"] == "https://integration.example.com/"
    assert set(result.jwt_dates) == {"exp", "iat"} and result.jwt_dates["exp"].endswith("Z")
    assert result.jwt_time_left_s is not None and result.jwt_time_left_s > 0
    assert result.jwt_note == NOT_VERIFIED
    assert result.warnings == ["The token URL uses http://: the client secret and the access token travel unencrypted."]


def test_the_access_token_stays_in_memory_only(auth: AuthServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    result = check(req(auth, "post-client"))

    assert result.access_token and result.access_token.count(".") == 2
    assert result.token_preview == result.access_token[:6] + "…"
    assert result.access_token not in repr(result)
    assert result.access_token not in str(result.to_json())
    assert "access_token" not in result.to_json()
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("authlib"))  # not the test server
    assert "token request to" in ours
    assert result.access_token not in ours and SECRET not in ours
    assert result.without_token().access_token is None


def test_basic_client_refuses_mattermosts_way(auth: AuthServer) -> None:
    result = check(req(auth, "basic-client"))

    assert not result.ok and result.category == Category.OAUTH_ERROR
    assert result.error == "invalid_client" and result.http_status == 401
    assert result.www_authenticate and result.www_authenticate.startswith("Basic")
    assert "client ID or secret is wrong" in result.hint
    assert "HTTP Basic header instead of the form body" in result.hint
    assert result.mattermost_compatible is False


def test_basic_encodes_id_and_secret_before_base64(auth: AuthServer) -> None:
    result = check(req(auth, "basic-client", auth="basic"))

    assert result.ok and result.auth_method == "client_secret_basic"
    (sent,) = auth.requests
    assert sent["authorization"] is True
    assert sent["form"] == {"grant_type": "client_credentials"}  # no secret in the body
    assert any("Mattermost sends the credentials in the form body" in w for w in result.warnings)
    assert result.mattermost_compatible is None


def test_basic_header_value_is_rfc6749_encoded() -> None:
    value = basic_authorization("my client", "a+b/c:d% e")
    decoded = base64.b64decode(value.removeprefix("Basic ")).decode()
    assert decoded == "my%20client:a%2Bb%2Fc%3Ad%25%20e"
    user, password = decoded.split(":", 1)
    assert (unquote(user), unquote(password)) == ("my client", "a+b/c:d% e")


def test_auto_finds_basic_and_warns_mattermost_would_fail(auth: AuthServer) -> None:
    result = check(req(auth, "basic-client", auth="auto"))

    assert result.ok and result.auth_method == "client_secret_basic"
    assert result.mattermost_compatible is False
    assert [a["auth_method"] for a in result.attempts] == ["client_secret_post", "client_secret_basic"]
    assert [a["error"] for a in result.attempts] == ["invalid_client", None]
    assert any("Mattermost would NOT get a token" in w for w in result.warnings)
    assert "Only with HTTP Basic" in result.summary
    assert [r["authorization"] for r in auth.requests] == [False, True]


def test_auto_stops_at_mattermosts_way_when_it_works(auth: AuthServer) -> None:
    result = check(req(auth, "post-client", auth="auto"))

    assert result.ok and result.auth_method == "client_secret_post" and result.mattermost_compatible is True
    assert len(auth.requests) == 1 and len(result.attempts) == 1


def test_auto_with_a_wrong_secret_says_both_ways_failed(auth: AuthServer) -> None:
    result = check(TokenRequest(auth.token_url, "post-client", "not-the-secret", auth="auto"))

    assert not result.ok and result.error == "invalid_client"
    assert result.hint.startswith("Both ways were refused")
    assert len(result.attempts) == 2 and result.mattermost_compatible is False


def test_wrong_secret_is_invalid_client_and_never_echoed(auth: AuthServer) -> None:
    result = check(TokenRequest(auth.token_url, "post-client", "wrong-secret-value"))

    assert result.category == "oauth_error" and result.error == "invalid_client"
    assert "client ID or secret is wrong" in result.hint
    assert "wrong-secret-value" not in str(result.to_json())


def test_unknown_client_is_invalid_client(auth: AuthServer) -> None:
    result = check(req(auth, "nobody"))
    assert result.error == "invalid_client" and result.error_description == "The client does not exist on this server."


def test_unauthorized_client(auth: AuthServer) -> None:
    result = check(req(auth, "no-cc-client"))

    assert result.category == "oauth_error" and result.error == "unauthorized_client"
    assert "not allowed to use the client credentials grant" in result.hint
    assert "service account" in result.hint


def test_unsupported_grant_type_from_a_server_without_the_grant() -> None:
    with AuthServer(password_grant=False) as cc_only:
        result = check(
            TokenRequest(
                cc_only.token_url, "password-client", SECRET, grant_type="password", username="alice", password=PASSWORD
            )
        )
    assert result.category == "oauth_error" and result.error == "unsupported_grant_type"
    assert "does not do the password grant at all" in result.hint


def test_invalid_scope(auth: AuthServer) -> None:
    result = check(req(auth, "scope-client"))

    assert result.error == "invalid_scope"
    assert "Mattermost asks for no scope" in result.hint
    assert result.error_description == "This client must ask for a scope; it has no default scope."


def test_invalid_target(auth: AuthServer) -> None:
    result = check(req(auth, "resource-client"))

    assert result.error == "invalid_target"
    assert "RFC 8707" in result.hint and "sends no resource or audience parameter" in result.hint


def test_invalid_request(auth: AuthServer) -> None:
    result = check(req(auth, "audience-client"))

    assert result.error == "invalid_request" and result.error_description == "Missing 'audience' parameter."
    assert "Mattermost sends only grant_type, client_id and client_secret" in result.hint


def test_password_grant(auth: AuthServer) -> None:
    result = check(req(auth, "password-client", grant_type="password", username="alice", password=PASSWORD))

    assert result.ok and result.grant_type == "password"
    assert result.claims and result.claims["sub"] == "alice"
    (sent,) = auth.requests
    assert sent["form"] == {
        "grant_type": "password",
        "client_id": "password-client",
        "client_secret": SECRET,
        "username": "alice",
        "password": PASSWORD,
    }


def test_invalid_grant_for_a_wrong_password(auth: AuthServer) -> None:
    result = check(req(auth, "password-client", grant_type="password", username="alice", password="nope-nope"))

    assert result.category == "oauth_error" and result.error == "invalid_grant"
    assert "username or password was refused" in result.hint


def test_password_grant_with_basic(auth: AuthServer) -> None:
    result = check(
        req(auth, "password-client", grant_type="password", username="alice", password=PASSWORD, auth="basic")
    )
    assert result.ok and result.auth_method == "client_secret_basic"
