"""A token endpoint's answers, any status, content type and body: a ValidationResult that explains them, never
an exception, never the client secret; the CLI's rendering of it too. Also over HTTP from a loopback endpoint.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fuzz_http import AnswerBox, serve
from fuzz_support import FUZZ, FUZZ_NETWORK, b64url, broken_bytes, json_values, numbers, objects_with, texts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mmoauth_gui.cli.validate import render
from mmoauth_gui.core.validation.result import Category, ValidationResult
from mmoauth_gui.services.token.client import AuthChoice, TokenRequest, _Exchange, request_token

SECRET = "t0k3n-s3cret+/:% value"
PASSWORD = "pa55-w0rd-Zq8"
SUCCESS_FIELDS = ("access_token", "token_type", "expires_in", "scope", "refresh_token", "id_token")
ERROR_FIELDS = ("error", "error_description", "error_uri")  # where careless endpoints echo what they were sent
ERRORS = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
    "server_error",
    "x" * 200,
]


def echoing(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text that may carry the secret or the password, as a careless endpoint echoes them."""
    return st.one_of(
        value,
        value.map(lambda t: f"{t}{SECRET}"),
        value.map(lambda t: f"client_secret={SECRET}&{t}"),
        st.just(f"password={PASSWORD}"),
    )


@st.composite
def jwts(draw: st.DrawFn) -> str:
    claims = draw(
        objects_with(["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope"], json_values | numbers)
    )
    return ".".join([b64url(b'{"alg":"HS256","typ":"at+jwt"}'), b64url(json.dumps(claims).encode()), "c2ln"])


token_values = st.one_of(json_values, texts, jwts(), st.sampled_from(["", "opaque-0123456789", "eyJ.eyJ.x"]))
success_fields = objects_with(SUCCESS_FIELDS, st.one_of(json_values, token_values, numbers))
error_fields = objects_with(ERROR_FIELDS, st.one_of(json_values, st.sampled_from(ERRORS), echoing(texts)))
token_bodies = st.one_of(st.builds(lambda a, b: {**a, **b}, success_fields, error_fields), success_fields, json_values)
statuses = st.one_of(st.integers(100, 599), st.sampled_from([200, 201, 301, 302, 400, 401, 403, 404, 500, 502]))
content_types = st.sampled_from(
    [
        "application/json",
        "application/json;charset=UTF-8",
        "text/html",
        "text/plain",
        "",
        "application/x-www-form-urlencoded",
    ]
)


NO_HTTP: Any = None  # interpreting an answer needs no client


def request(grant: str = "client_credentials") -> TokenRequest:
    return TokenRequest(
        token_url="https://idp.example.com/oauth2/token",
        client_id="client-1",
        client_secret=SECRET,
        grant_type=grant,
        username="svc" if grant == "password" else "",
        password=PASSWORD if grant == "password" else "",
    )


def check(result: ValidationResult, secrets: tuple[str, ...], body: bytes = b"") -> None:
    """Explained, and none of the ``secrets`` the request carried shown or stored (nor the access token, unless
    the endpoint also sent it in another field of ``body``)."""
    assert result.category in {c.value for c in Category}
    assert result.ok == (result.category == Category.OK.value)
    assert result.hint and result.summary
    stored = json.dumps(result.to_json(), allow_nan=True)
    shown = render(result)
    for secret in secrets:
        if not result.claims:  # claims are the token's own, decoded for inspection: not the endpoint's echo
            assert secret not in stored and secret not in shown
    token = result.access_token
    if result.ok and token and len(token) > 12 and body.count(json.dumps(token).encode()) == 1:
        assert token not in stored + shown
    assert ValidationResult.from_json(result.to_json()).category == result.category


@FUZZ
@given(
    statuses,
    content_types,
    broken_bytes(token_bodies),
    st.sampled_from(["client_secret_post", "client_secret_basic"]),
    st.sampled_from(["client_credentials", "password"]),
)
@example(400, "application/json", json.dumps({"error": SECRET}).encode(), "client_secret_post", "client_credentials")
@example(200, "application/json", json.dumps({"error": f"x {PASSWORD}"}).encode(), "client_secret_basic", "password")
def test_any_answer_is_explained(status: int, content_type: str, body: bytes, method: str, grant: str) -> None:
    base = {"auth_method": method, "token_url": "https://idp.example.com/oauth2/token", "grant_type": grant}
    req = request(grant)
    result = _Exchange(NO_HTTP, req, method)._interpret(status, content_type, body, base)
    check(result, req.secrets, body)


# ---- over HTTP, the whole request ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint() -> Iterator[AnswerBox]:
    box = AnswerBox()
    with serve(box) as url:
        box.url = url + "/oauth2/token"
        yield box


@FUZZ_NETWORK
@given(
    st.one_of(st.integers(200, 599), st.just(200)),
    content_types,
    broken_bytes(token_bodies),
    st.dictionaries(st.sampled_from(["WWW-Authenticate", "Location", "Cache-Control"]), echoing(texts), max_size=2),
    st.sampled_from([a.value for a in AuthChoice]),
)
def test_any_answer_over_http_is_explained(
    endpoint: AnswerBox, status: int, content_type: str, body: bytes, headers: dict[str, str], auth: str
) -> None:
    if status in (204, 304):
        status = 200  # no body allowed: the HTTP server would send one anyway
    endpoint.set(status, body, {"Content-Type": content_type, **headers})
    req = TokenRequest(endpoint.url, "client-1", SECRET, auth=auth, timeout=5.0)

    async def go() -> ValidationResult:
        async with httpx.AsyncClient() as http:
            return await request_token(http, req)

    result = asyncio.run(go())
    check(result, req.secrets, body)
    assert result.checked_at and result.elapsed_ms >= 0


def test_an_endpoint_answering_nothing_but_nesting_is_explained(endpoint: AnswerBox) -> None:
    endpoint.set(200, b"[" * 100_000 + b"]" * 100_000, {"Content-Type": "application/json"})

    async def go() -> Any:
        async with httpx.AsyncClient() as http:
            return await request_token(http, TokenRequest(endpoint.url, "client-1", SECRET, timeout=5.0))

    result = asyncio.run(go())
    assert result.category == Category.INVALID_RESPONSE.value


# ---- discovery: an issuer's metadata ---------------------------------------------------------------------

METADATA_KEYS = (
    "issuer",
    "token_endpoint",
    "token_endpoint_auth_methods_supported",
    "grant_types_supported",
    "scopes_supported",
    "response_types_supported",
)
metadata_values = st.one_of(
    json_values,
    st.sampled_from(["https://idp.example.com/oauth2/token", "http://idp.example.com/token", "/token", "", "ftp://x"]),
    st.lists(
        st.sampled_from(
            ["client_credentials", "password", "client_secret_post", "client_secret_basic", "private_key_jwt"]
        )
        | json_values,
        max_size=3,
    ),
)


@settings(FUZZ_NETWORK, max_examples=FUZZ_NETWORK.max_examples // 2)  # up to four requests an example
@given(
    st.integers(200, 599) | st.just(200),
    broken_bytes(objects_with(METADATA_KEYS, metadata_values)),
    st.sampled_from(["client_credentials", "password"]),
)
@example(200, b'{"token_endpoint": ""}', "client_credentials")
@example(200, b'{"token_endpoint": " ", "issuer": 5}', "password")
def test_any_issuer_metadata_is_explained(endpoint: AnswerBox, status: int, body: bytes, grant: str) -> None:
    from mmoauth_gui.services.token.discovery import discover

    if status in (204, 304):
        status = 200
    endpoint.set(status, body, {"Content-Type": "application/json"})

    async def go() -> Any:
        async with httpx.AsyncClient() as http:
            return await discover(http, endpoint.url.rsplit("/", 2)[0] + "/issuer", grant_type=grant, timeout_s=5.0)

    result = asyncio.run(go())
    json.dumps(result.to_json(), allow_nan=True)
    if result.ok:
        assert isinstance(result.token_endpoint, str) and result.token_endpoint
    else:
        check(result.as_validation_failure(), ())
