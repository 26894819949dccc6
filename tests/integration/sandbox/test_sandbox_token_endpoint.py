"""The demo token endpoint: RFC 6749 client credentials (form and Basic), errors, RFC 9068 JWTs."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from typing import Any

import httpx
import pytest
from sandbox_helpers import Api

from mmoauth_gui.sandbox.jwt_sign import verify_hs256


def basic(client_id: str, secret: str) -> str:
    """RFC 6749 §2.3.1: form-urlencode id and secret, then base64."""
    raw = f"{urllib.parse.quote_plus(client_id)}:{urllib.parse.quote_plus(secret)}"
    return "Basic " + base64.b64encode(raw.encode()).decode()


def post(api: Api, data: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
    return api.anon.post(api.sb.token_url, data=data, headers=headers or {})


def client(api: Api, index: int) -> dict[str, Any]:
    return api.sb.demo_clients[index]


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == error and body["error_description"]


@pytest.mark.parametrize("index", [0, 1])
def test_client_secret_post_gets_a_signed_jwt(api: Api, index: int) -> None:
    c = client(api, index)
    response = post(
        api, {"grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == c["scope"]
    header = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": "sandbox"}
    claims = verify_hs256(body["access_token"], api.sb.token_signing_key)
    assert claims is not None
    assert claims["iss"] == api.sb.issuer and claims["sub"] == c["client_id"] and claims["client_id"] == c["client_id"]
    assert claims["aud"] and claims["jti"] and claims["scope"] == c["scope"]
    assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 60


@pytest.mark.parametrize("index", [0, 1])
def test_http_basic_with_form_encoded_credentials(api: Api, index: int) -> None:
    c = client(api, index)
    response = post(
        api, {"grant_type": "client_credentials"}, {"Authorization": basic(c["client_id"], c["client_secret"])}
    )
    assert response.status_code == 200, response.text
    assert api.sb.token_requests[-1]["auth_method"] == "client_secret_basic"


def test_basic_without_form_encoding_fails_for_a_secret_with_reserved_characters(api: Api) -> None:
    c = client(api, 1)
    raw = base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
    response = post(api, {"grant_type": "client_credentials"}, {"Authorization": f"Basic {raw}"})
    assert_oauth_error(response, 401, "invalid_client")


def test_wrong_secret_by_basic_is_401_with_a_challenge(api: Api) -> None:
    response = post(api, {"grant_type": "client_credentials"}, {"Authorization": basic("mattermost-commands", "nope")})
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_secret_by_form_is_400_without_a_challenge(api: Api) -> None:
    response = post(
        api, {"grant_type": "client_credentials", "client_id": "mattermost-commands", "client_secret": "no"}
    )
    assert_oauth_error(response, 400, "invalid_client")
    assert "www-authenticate" not in response.headers
    unknown = post(api, {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"})
    assert_oauth_error(unknown, 400, "invalid_client")


def test_no_client_authentication_is_401(api: Api) -> None:
    assert_oauth_error(post(api, {"grant_type": "client_credentials"}), 401, "invalid_client")


def test_client_not_allowed_client_credentials_is_unauthorized_client(api: Api) -> None:
    c = client(api, 2)
    response = post(
        api, {"grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]}
    )
    assert_oauth_error(response, 400, "unauthorized_client")


def test_unknown_grant_and_missing_grant(api: Api) -> None:
    c = client(api, 0)
    creds = {"client_id": c["client_id"], "client_secret": c["client_secret"]}
    assert_oauth_error(post(api, {**creds, "grant_type": "implicit"}), 400, "unsupported_grant_type")
    assert_oauth_error(post(api, creds), 400, "invalid_request")


def test_malformed_requests_are_invalid_request(api: Api) -> None:
    c = client(api, 0)
    as_json = api.anon.post(api.sb.token_url, json={"grant_type": "client_credentials", **c})
    assert_oauth_error(as_json, 400, "invalid_request")
    both = post(
        api,
        {"grant_type": "client_credentials", "client_secret": c["client_secret"]},
        {"Authorization": basic(c["client_id"], c["client_secret"])},
    )
    assert_oauth_error(both, 400, "invalid_request")
    repeated = api.anon.post(
        api.sb.token_url,
        content=b"grant_type=client_credentials&grant_type=password&client_id=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_oauth_error(repeated, 400, "invalid_request")
    assert_oauth_error(api.anon.get(api.sb.token_url), 405, "invalid_request")


def test_scope_is_checked_against_the_client(api: Api) -> None:
    c = client(api, 1)
    creds = {"grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]}
    assert post(api, {**creds, "scope": "reports.read"}).json()["scope"] == "reports.read"
    assert_oauth_error(post(api, {**creds, "scope": "admin"}), 400, "invalid_scope")


def test_password_grant_for_the_demo_user(api: Api) -> None:
    c = client(api, 2)
    user = api.sb.demo_user
    form = {"grant_type": "password", "username": user["username"], "password": user["password"]}
    response = post(api, form, {"Authorization": basic(c["client_id"], c["client_secret"])})
    assert response.status_code == 200, response.text
    claims = verify_hs256(response.json()["access_token"], api.sb.token_signing_key)
    assert claims is not None and claims["sub"] == user["username"]
    wrong = post(api, {**form, "password": "nope"}, {"Authorization": basic(c["client_id"], c["client_secret"])})
    assert_oauth_error(wrong, 400, "invalid_grant")


def test_token_endpoint_ignores_api_latency(api: Api) -> None:
    api.sb.latency_ms = 30_000  # the API's answers now come after 30 s: a client waiting 10 s gives up on them
    c = client(api, 0)
    form = {"grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]}
    answer = api.anon.post(api.sb.token_url, data=form, timeout=10.0)
    assert answer.status_code == 200 and answer.json()["access_token"]


def test_discovery_documents(api: Api) -> None:
    rfc8414 = api.anon.get("/.well-known/oauth-authorization-server/demo-oauth").json()
    oidc = api.anon.get("/demo-oauth/.well-known/openid-configuration").json()
    assert rfc8414 == oidc
    assert rfc8414["issuer"] == api.sb.issuer and rfc8414["token_endpoint"] == api.sb.token_url
    assert set(rfc8414["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    assert "client_credentials" in rfc8414["grant_types_supported"]


def test_history_never_holds_a_secret(api: Api) -> None:
    c = client(api, 1)
    post(api, {"grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]})
    assert c["client_secret"] not in json.dumps(api.sb.token_requests)
