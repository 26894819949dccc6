"""Tokens checked as the integration will: signature against the real Authlib server's published keys,
another issuer's keys, an HMAC token from the sandbox, and the admin's expectations."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from authserver import AUDIENCE, SECRET, AuthServer
from validation_support import FaultServer

from mmoauth_gui.core.validation.expectations import Expectations
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.core.validation.verification import VerificationStatus
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.token.client import TokenRequest, request_token
from mmoauth_gui.services.token.verify import check_as_integration, verify_token


@pytest.fixture(scope="module")
def other_issuer() -> Iterator[AuthServer]:
    with AuthServer() as server:
        yield server  # type: ignore[misc]


def checked(token_url: str, client_id: str, secret: str, expect: Expectations, issuer: str = "") -> ValidationResult:
    async def go() -> ValidationResult:
        async with make_http_client() as http:
            req = TokenRequest(token_url=token_url, client_id=client_id, client_secret=secret)
            result = await request_token(http, req)
            return await check_as_integration(http, result, expect, issuer=issuer)

    return asyncio.run(go())


def test_token_verified_with_the_issuers_published_keys(auth: AuthServer) -> None:
    result = checked(auth.token_url, "post-client", SECRET, Expectations())

    assert result.verification is not None
    assert result.verification.status == VerificationStatus.VERIFIED
    assert result.verification.issuer == auth.issuer
    assert result.verification.jwks_uri == auth.url + "/oauth/jwks.json"
    assert result.verification.algorithm == "RS256"
    assert result.verification.clock_skew_s is not None and abs(result.verification.clock_skew_s) < 60
    assert not result.integration_would_refuse
    assert result.to_json()["verification"]["status"] == "verified"
    assert [r["path"] for r in auth.requests][-2:] == ["/.well-known/oauth-authorization-server", "/oauth/jwks.json"]


def test_token_checked_against_another_issuers_keys_fails(auth: AuthServer, other_issuer: AuthServer) -> None:
    result = checked(auth.token_url, "post-client", SECRET, Expectations(), issuer=other_issuer.issuer)

    assert result.verification is not None
    assert result.verification.status == VerificationStatus.FAILED
    assert result.verification.issuer == other_issuer.issuer
    assert "does not match the keys" in result.verification.reason
    assert result.integration_would_refuse


def test_expired_token_with_a_good_signature_fails(auth: AuthServer) -> None:
    async def go() -> str:
        async with make_http_client() as http:
            result = await request_token(http, TokenRequest(auth.token_url, "post-client", SECRET))
            assert result.access_token and result.claims
            later = float(result.claims["exp"]) + 3600
            verification = await verify_token(http, result.access_token, now=later)
            assert verification.status == VerificationStatus.FAILED
            return verification.reason

    reason = asyncio.run(go())
    assert reason.startswith("The signature is good, but: The token expired 1 h ago")


def test_hmac_token_is_not_verifiable(sandbox: Sandbox) -> None:
    client = sandbox.demo_clients[0]
    result = checked(sandbox.token_url, client["client_id"], client["client_secret"], Expectations())

    assert result.verification is not None
    assert result.verification.status == VerificationStatus.NOT_VERIFIABLE
    assert "cannot be verified without the shared key" in result.verification.reason
    assert result.verification.algorithm == "HS256"
    assert not result.integration_would_refuse


def test_expectations_met(auth: AuthServer) -> None:
    result = checked(auth.token_url, "post-client", SECRET, Expectations(audience=AUDIENCE, issuer=auth.issuer))

    assert [(c.what, c.ok) for c in result.expectations] == [("audience", True), ("issuer", True)]
    assert result.verification is not None and result.verification.status == VerificationStatus.VERIFIED
    assert not result.integration_would_refuse


def test_expectations_unmet_say_why_and_what_to_configure(auth: AuthServer) -> None:
    expect = Expectations(audience="https://integration.example.com", scopes=("commands.write",))
    result = checked(auth.token_url, "post-client", SECRET, expect)

    audience, scope = result.expectations
    assert audience.ok is False and audience.actual == [AUDIENCE]
    assert "differs only by a trailing slash" in audience.why
    assert scope.ok is False and scope.why == "The token grants no scope, not commands.write."
    assert result.integration_would_refuse
    assert any("Mattermost sends no audience or resource parameter" in w for w in result.warnings)
    assert any("Mattermost sends no scope parameter" in w for w in result.warnings)
    body = result.to_json()
    assert body["expectations"][0] == {
        "what": "audience",
        "expected": "https://integration.example.com",
        "actual": [AUDIENCE],
        "ok": False,
        "why": audience.why,
    }
    assert ValidationResult.from_json(body).expectations == result.expectations


def test_throttling_keeps_retry_after_and_says_mattermost_does_not_cache(faults: FaultServer) -> None:
    result = checked(faults.url + "/throttled", "any", "secret", Expectations())

    assert not result.ok and result.http_status == 429 and result.retry_after == "30"
    assert result.verification is None and result.expectations == []
    assert any("does not cache tokens" in w and "wait 30" in w for w in result.warnings)
    assert result.to_json()["retry_after"] == "30"
